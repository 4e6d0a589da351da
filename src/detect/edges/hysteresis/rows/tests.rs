//! The rows' hysteresis against the whole map's ([`connect_above`]): equal bit for bit for any
//! chunking of the rows, on maps whose components wind up and down across many rows.

use proptest::prelude::*;

use super::*;
use crate::detect::edges::hysteresis::connect_above;

/// The edges of `map` (`cols` wide) by the three passes, the rows given `chunk` at a time.
fn by_rows(map: &[u8], cols: usize, low: u8, high: u8, chunk: usize) -> Vec<u8> {
    let step = chunk * cols;
    let mut linker = Linker::new(cols, low, high).unwrap();
    for part in map.chunks(step) {
        linker.rows(part).unwrap();
    }
    let mut edges = linker.finish().unwrap();
    let mut out = map.to_vec();
    for part in out.chunks_mut(step) {
        edges.rows(part).unwrap();
    }
    out
}

/// The edges of `map` by the whole map's hysteresis.
fn whole(map: &[u8], cols: usize, low: u8, high: u8) -> Vec<u8> {
    let mut out = map.to_vec();
    connect_above(&mut out, cols, low, high);
    out
}

/// Asserts that the rows' edges are the whole map's for several chunkings, and returns them.
fn same_edges(map: &[u8], cols: usize, low: u8, high: u8) -> Vec<u8> {
    let want = whole(map, cols, low, high);
    for chunk in [1, 2, 3, 7, 64, map.len() / cols.max(1) + 1] {
        let got = by_rows(map, cols, low, high, chunk);
        assert!(
            got == want,
            "{} rows of {cols}, chunks of {chunk}: {} pixels differ",
            map.len() / cols,
            got.iter().zip(&want).filter(|(a, b)| a != b).count()
        );
    }
    want
}

/// A square spiral of candidates (code 1) `size` wide, walked from the top-left corner inward
/// with a gap of one pixel between its turns, and one strong pixel (code 3) at its inner end.
fn spiral(size: usize) -> Vec<u8> {
    let n = size as i64;
    let mut map = vec![0u8; size * size];
    let at = |y: i64, x: i64| (y >= 0 && x >= 0 && y < n && x < n).then(|| (y * n + x) as usize);
    let (mut y, mut x, mut d) = (0i64, 0i64, 0);
    let dirs = [(0, 1), (1, 0), (0, -1), (-1, 0)];
    map[0] = 1;
    'walk: loop {
        for _ in 0..2 {
            let (dy, dx) = dirs[d];
            let next = at(y + dy, x + dx);
            let beyond = at(y + 2 * dy, x + 2 * dx).map_or(0, |i| map[i]);
            if let Some(i) = next.filter(|&i| map[i] == 0 && beyond == 0) {
                map[i] = 1;
                (y, x) = (y + dy, x + dx);
                continue 'walk;
            }
            d = (d + 1) % 4;
        }
        break;
    }
    map[(y * n + x) as usize] = 3;
    map
}

#[test]
fn a_spiral_strong_only_at_its_inner_end_is_kept_whole() {
    for size in [5, 9, 21, 40] {
        let map = spiral(size);
        let want = same_edges(&map, size, 0, 2);
        let candidates = map.iter().filter(|&&c| c > 0).count();
        let kept = want.iter().filter(|&&e| e == 255).count();
        assert_eq!(kept, candidates, "a {size} spiral is one component");
    }
}

#[test]
fn zig_zags_down_and_up_many_rows_are_joined_only_through_the_bottom_and_top() {
    // Columns of weak pixels joined alternately at the bottom and the top: one chain that
    // crosses every row many times. The strong pixel is at the top of the last column, so the
    // first columns are reached only after going down and up again and again.
    let (rows, cols) = (150, 23);
    let mut map = vec![0u8; rows * cols];
    for x in (0..cols).step_by(2) {
        for y in 0..rows {
            map[y * cols + x] = 1;
        }
        if x + 2 < cols {
            let y = if x % 4 == 0 { rows - 1 } else { 0 };
            map[y * cols + x + 1] = 1;
        }
    }
    map[cols - 1] = 2;
    // A second chain, never strong, beside the first but not touching it.
    let mut apart = vec![0u8; rows * (cols + 2)];
    for y in 0..rows {
        apart[y * (cols + 2)..y * (cols + 2) + cols].copy_from_slice(&map[y * cols..][..cols]);
        apart[y * (cols + 2) + cols + 1] = 1;
    }
    let want = same_edges(&apart, cols + 2, 0, 1);
    let kept = want.iter().filter(|&&e| e == 255).count();
    assert_eq!(kept, map.iter().filter(|&&c| c > 0).count());
    assert!((0..rows).all(|y| want[y * (cols + 2) + cols + 1] == 0));
}

#[test]
fn diagonal_touches_join_and_gaps_of_one_pixel_part() {
    // A staircase joined only corner to corner, and its copy one column further, with a gap.
    let (rows, cols) = (30, 64);
    let mut map = vec![0u8; rows * cols];
    for y in 0..rows {
        map[y * cols + y] = 1;
        map[y * cols + y + 3] = 1;
    }
    map[(rows - 1) * cols + rows - 1] = 2;
    let want = same_edges(&map, cols, 0, 1);
    assert!((0..rows).all(|y| want[y * cols + y] == 255 && want[y * cols + y + 3] == 0));
}

#[test]
fn empty_maps_and_single_rows_and_columns() {
    for (rows, cols) in [(0, 5), (1, 1), (1, 9), (9, 1), (2, 2)] {
        let map: Vec<u8> = (0..rows * cols).map(|i| (i * 7 % 5) as u8).collect();
        same_edges(&map, cols, 1, 3);
    }
}

/// A map of codes, denser where `density` is higher.
fn codes(rows: usize, cols: usize, density: u8) -> impl Strategy<Value = (usize, Vec<u8>)> {
    proptest::collection::vec(0u8..=255, rows * cols).prop_map(move |v| {
        let map = v
            .into_iter()
            .map(|c| match c {
                c if c < 255 - density => 0,
                c if c % 5 == 0 => 9,
                c => 1 + c % 4,
            })
            .collect();
        (cols, map)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_map_any_levels_any_chunks(
        (cols, map) in (1usize..40, 1usize..60, 30u8..200)
            .prop_flat_map(|(r, c, d)| codes(r, c, d)),
        low in 0u8..5,
        extra in 0u8..6,
        chunk in 1usize..9,
    ) {
        let high = low + extra;
        let want = whole(&map, cols, low, high);
        prop_assert_eq!(by_rows(&map, cols, low, high, chunk), want);
    }
}
