//! Hysteresis (`--hysteresis LOW,HIGH`, and `--canny`): strong pixels (magnitude above `HIGH`) are
//! edges, and so are weak pixels (above `LOW`) connected to a strong one through weak pixels
//! (8-connectivity).
//!
//! Pixels are first classified (0, weak, strong) into the output map itself; then each band of
//! rows grows its strong pixels through its own weak ones in parallel, and one serial pass
//! continues across band boundaries. The result is the set of connected components that contain
//! a strong pixel, whatever the bands or the thread count. The `rows` module gives the same edges from
//! rows given a few at a time, top to bottom (the streamed path).

use crate::image::bands::Bands;

pub(crate) mod rows;

/// Class of a pixel above the low level only.
pub(crate) const WEAK: u8 = 1;
/// Class of a pixel above the high level (or connected to one, once grown).
pub(crate) const STRONG: u8 = 2;

/// Rows per band of the parallel growing.
const BAND_ROWS: usize = 64;

/// The class of a magnitude.
#[inline(always)]
pub(crate) fn class(m: f32, low: f32, high: f32) -> u8 {
    if m > high {
        STRONG
    } else if m > low {
        WEAK
    } else {
        0
    }
}

/// Marks as strong every weak pixel 8-connected to a pixel on `stack` (which are strong),
/// within `map` (`cols` wide).
fn grow(map: &mut [u8], cols: usize, stack: &mut Vec<usize>) {
    let rows = map.len() / cols;
    while let Some(p) = stack.pop() {
        let (y, x) = (p / cols, p % cols);
        let (y0, y1) = (y.saturating_sub(1), (y + 1).min(rows - 1));
        let (x0, x1) = (x.saturating_sub(1), (x + 1).min(cols - 1));
        for yy in y0..=y1 {
            for xx in x0..=x1 {
                let q = yy * cols + xx;
                if map[q] == WEAK {
                    map[q] = STRONG;
                    stack.push(q);
                }
            }
        }
    }
}

/// Pushes the index of every strong pixel of `map`, skipping eight pixels at a time where there
/// is none (strong pixels are few; bench pipeline/fused_canny).
fn push_strong(map: &[u8], stack: &mut Vec<usize>) {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let chunks = map.chunks_exact(8);
    let tail = chunks.remainder();
    for (c, chunk) in chunks.enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        // A byte of `x` is zero only if the classic has-zero-byte test sees it (it may also flag
        // a byte after a zero one, so every flagged word is checked byte by byte).
        let x = word ^ (ONES * u64::from(STRONG));
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            for (i, &v) in chunk.iter().enumerate() {
                if v == STRONG {
                    stack.push(c * 8 + i);
                }
            }
        }
    }
    let start = map.len() - tail.len();
    for (i, &v) in tail.iter().enumerate() {
        if v == STRONG {
            stack.push(start + i);
        }
    }
}

/// Turns a map of classes into the edge map (`255` for strong pixels and the weak pixels
/// connected to them, `0` elsewhere), in place.
pub(crate) fn connect(map: &mut [u8], cols: usize) {
    connect_above(map, cols, WEAK - 1, STRONG - 1);
}

/// Like [`connect`] on a map of codes: the class of a code `c` is strong when `c > high`, weak
/// when `c > low` (with `low <= high`).
pub(crate) fn connect_above(map: &mut [u8], cols: usize, low: u8, high: u8) {
    if map.is_empty() {
        return;
    }
    let bands = Bands::with_band_rows(map.len() / cols, cols, BAND_ROWS);
    bands.for_each(&mut *map, Vec::new, |stack, _, part| {
        // Arithmetic rather than branches, so that it vectorises (bench pipeline/fused_canny).
        for v in part.iter_mut() {
            *v = u8::from(*v > low) + u8::from(*v > high);
        }
        push_strong(part, stack);
        grow(part, cols, stack);
    });
    // Across band boundaries: weak pixels next to a strong pixel of the other band.
    let mut stack = Vec::new();
    for b in 1..bands.count() {
        let first = bands.range(b).start;
        for (y, other) in [(first - 1, first), (first, first - 1)] {
            for x in 0..cols {
                if map[y * cols + x] != STRONG {
                    continue;
                }
                for xx in x.saturating_sub(1)..=(x + 1).min(cols - 1) {
                    let q = other * cols + xx;
                    if map[q] == WEAK {
                        map[q] = STRONG;
                        stack.push(q);
                    }
                }
            }
        }
    }
    grow(map, cols, &mut stack);
    bands.for_each(
        map,
        || (),
        |_, _, part| {
            for v in part {
                *v = if *v == STRONG { 255 } else { 0 };
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, ArrayView2};

    /// Hysteresis on a whole magnitude map: [`class`], then [`connect`].
    fn hysteresis(magnitude: ArrayView2<'_, f32>, low: f32, high: f32) -> Array2<u8> {
        let mut out = magnitude.mapv(|m| class(m, low, high));
        let cols = out.ncols();
        connect(out.as_slice_mut().unwrap(), cols);
        out
    }

    #[test]
    fn weak_pixels_connected_to_strong_ones_are_kept_and_isolated_ones_dropped() {
        let m = ndarray::array![
            [0.0f32, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.9, 0.3, 0.0, 0.0, 0.3],
            [0.0, 0.0, 0.0, 0.3, 0.0, 0.3],
            [0.3, 0.0, 0.0, 0.0, 0.3, 0.0],
        ];
        let e = hysteresis(m.view(), 0.2, 0.5);
        let want = ndarray::array![
            [0u8, 0, 0, 0, 0, 0],
            [0, 255, 255, 0, 0, 255],
            [0, 0, 0, 255, 0, 255],
            [0, 0, 0, 0, 255, 0],
        ];
        assert_eq!(e, want);
    }

    #[test]
    fn levels_are_strict() {
        let m = ndarray::array![[0.5f32, 0.2, 0.6, 0.2]];
        assert_eq!(
            hysteresis(m.view(), 0.2, 0.5).row(0).to_vec(),
            vec![0, 0, 255, 0]
        );
    }

    #[test]
    fn growing_crosses_band_boundaries_both_ways() {
        // A weak serpentine 200 rows long, strong only at its lower end: it must be kept whole,
        // up through three band boundaries and back down.
        let (rows, cols) = (200, 7);
        let mut m = Array2::<f32>::zeros((rows, cols));
        for y in 0..rows {
            m[[y, 1]] = 0.3;
            m[[y, 5]] = 0.3;
        }
        for x in 1..=5 {
            m[[0, x]] = 0.3;
        }
        m[[rows - 1, 5]] = 0.9;
        m[[150, 3]] = 0.3; // isolated weak pixel
        let e = hysteresis(m.view(), 0.2, 0.5);
        let kept = e.iter().filter(|&&v| v == 255).count();
        assert_eq!(kept, 2 * rows + 3);
        assert_eq!(e[[150, 3]], 0);
        assert_eq!(e[[0, 1]], 255);
    }
}
