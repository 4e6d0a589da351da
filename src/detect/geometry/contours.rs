//! Linking sub-pixel edge points into curves, by Devernay's chaining as Grompone von Gioi and
//! Randall implement it (IPOL 2017).
//!
//! Each point looks at the points of the 5 x 5 pixels around its own (so a one-pixel gap is
//! bridged) for the nearest one ahead of it and the nearest one behind it, "ahead" meaning
//! along the edge with the bright side on the left in image coordinates (along `(dy, -dx)`).
//! A pair qualifies only if the two gradients point the same way (positive dot product) and
//! both points agree which of them is ahead, so points on edges of opposite contrast, or
//! across an edge, are never linked. A link is made unless the point it leads to already
//! has a nearer one, which it then replaces; each point keeps at most one link forward and
//! one back, so curves never branch or loop back on themselves and no point is in two curves.
//! At a crossing or a T-junction the nearer compatible neighbour wins and the rest go on as
//! curves of their own; points are visited in raster order and ties go to the first
//! neighbour in raster order, so the result is the same every run.
//!
//! Curves are then read off the links: a chain with two ends is an open curve, listed from its
//! first point; a cycle is a closed curve, listed from its first point in raster order.
//! Curves come in the raster order of the first point met of each.

use rayon::prelude::*;

use super::points::{locate, Located};
use super::{Curve, Curves, EdgeMaps, GeometryError};

/// No link.
const NONE: u32 = u32::MAX;

/// How far (in pixels, each way) a point looks for the points to link to.
const REACH: isize = 2;

/// The sub-pixel points of `maps` linked into curves, those shorter than `min_length` pixels
/// ([`Curve::length`]) dropped.
///
/// ```
/// use edgegrad::detect::geometry::{link, EdgeMaps};
/// use ndarray::Array2;
/// // A vertical edge line down column 3, with a one-pixel gap at row 4: still one curve.
/// let edges = Array2::from_shape_fn((9, 7), |(y, x)| if x == 3 && y != 4 { 255u8 } else { 0 });
/// let m = Array2::from_elem((9, 7), 1.0f32);
/// let (dx, dy) = (Array2::from_elem((9, 7), 1.0f32), Array2::zeros((9, 7)));
/// let curves = link(&EdgeMaps::new(edges.view(), m.view(), dx.view(), dy.view())?, 0.0)?;
/// assert_eq!(curves.curves.len(), 1);
/// assert_eq!(curves.curves[0].points.len(), 8);
/// assert_eq!(curves.curves[0].length(), 8.0);
/// # Ok::<(), edgegrad::detect::geometry::GeometryError>(())
/// ```
pub fn link(maps: &EdgeMaps<'_>, min_length: f32) -> Result<Curves, GeometryError> {
    check_min_length(min_length)?;
    let (height, width) = maps.edges.dim();
    link_located(&locate(maps), height, width, min_length)
}

/// Refuses a minimum length that is negative or not a number.
fn check_min_length(min_length: f32) -> Result<(), GeometryError> {
    if min_length.is_nan() || min_length < 0.0 {
        return Err(GeometryError::MinLength(min_length));
    }
    Ok(())
}

/// Located points (in raster order of their pixels, one per pixel, as
/// [`locate`](super::points::locate()) and the pipeline give them) of a `height` x `width` image,
/// linked into curves, those shorter than `min_length` pixels dropped.
pub fn link_located(
    points: &[Located],
    height: usize,
    width: usize,
    min_length: f32,
) -> Result<Curves, GeometryError> {
    check_min_length(min_length)?;
    if points.len() >= NONE as usize {
        return Err(GeometryError::TooManyPoints(points.len()));
    }
    let rows = RowIndex::new(points, height);
    let (next, prev) = chain(points, &rows);
    let mut curves = read_curves(points, &next, &prev);
    // Every length is at least 0 (the points are finite): nothing to measure for 0.
    if min_length > 0.0 {
        curves.retain(|c| c.length() >= min_length);
    }
    Ok(Curves {
        width,
        height,
        curves,
    })
}

/// Where each row's points are: the points are in raster order, so the points of row `r` are
/// `points[start[r]..start[r + 1]]`, in order of their columns.
struct RowIndex {
    start: Vec<u32>,
}

impl RowIndex {
    fn new(points: &[Located], height: usize) -> RowIndex {
        let mut start = vec![0u32; height + 1];
        for p in points {
            start[p.row + 1] += 1;
        }
        for r in 0..height {
            start[r + 1] += start[r];
        }
        RowIndex { start }
    }

    /// The indices of the points of row `r`.
    #[inline(always)]
    fn range(&self, r: usize) -> std::ops::Range<usize> {
        self.start[r] as usize..self.start[r + 1] as usize
    }

    /// The best links of the points of row `r`, in order: each point's neighbours are the
    /// points of the 5 x 5 pixels around its own, visited in raster order (rows within
    /// [`REACH`], and in each a window of columns that slides along as the points do).
    fn best_of_row(&self, points: &[Located], r: usize) -> Vec<Best> {
        let height = self.start.len() - 1;
        let rows = r.saturating_sub(REACH as usize)..=(r + REACH as usize).min(height - 1);
        let mut cursors: Vec<(usize, usize)> = rows
            .map(|rr| (self.range(rr).start, self.range(rr).end))
            .collect();
        self.range(r)
            .map(|from| {
                let p = &points[from];
                let (c0, c1) = (p.col.saturating_sub(REACH as usize), p.col + REACH as usize);
                let mut best = Best {
                    ahead: NONE,
                    ahead_score: 0.0,
                    behind: NONE,
                    behind_score: 0.0,
                };
                for (start, end) in cursors.iter_mut() {
                    while *start < *end && points[*start].col < c0 {
                        *start += 1;
                    }
                    for (to, q) in points.iter().enumerate().take(*end).skip(*start) {
                        if q.col > c1 {
                            break;
                        }
                        if to == from {
                            continue;
                        }
                        let s = score(p, q);
                        if s > best.ahead_score {
                            (best.ahead, best.ahead_score) = (to as u32, s);
                        }
                        if s < best.behind_score {
                            (best.behind, best.behind_score) = (to as u32, s);
                        }
                    }
                }
                best
            })
            .collect()
    }
}

/// The best link of one point each way: the nearest point ahead and behind it that it may be
/// linked to, with their scores ([`NONE`] and 0 for none).
#[derive(Clone, Copy)]
struct Best {
    ahead: u32,
    ahead_score: f32,
    behind: u32,
    behind_score: f32,
}

/// The score of linking `a` to `b`: `1 / distance` when `b` is ahead of `a`, `-1 / distance`
/// when behind, 0 when they may not be linked (gradients apart by 90° or more, the two points
/// disagreeing which is ahead, or the same position).
fn score(a: &Located, b: &Located) -> f32 {
    if a.gx * b.gx + a.gy * b.gy <= 0.0 {
        return 0.0;
    }
    let (dx, dy) = (b.point.x - a.point.x, b.point.y - a.point.y);
    let side_a = a.gy * dx - a.gx * dy;
    let side_b = b.gy * dx - b.gx * dy;
    let agree = (side_a > 0.0 && side_b > 0.0) || (side_a < 0.0 && side_b < 0.0);
    if !agree {
        return 0.0;
    }
    let distance = dx.hypot(dy);
    if distance.is_nan() || distance <= 0.0 {
        0.0
    } else if side_a > 0.0 {
        1.0 / distance
    } else {
        -1.0 / distance
    }
}

/// The links: `next[i]` the point after point `i`, `prev[i]` the one before ([`NONE`] for
/// none), always consistent (`next[a] == b` exactly when `prev[b] == a`).
///
/// Each point's best neighbours ahead and behind depend on the points alone, so they are found
/// for all points in parallel; the links are then made point by point in raster order, each
/// replacing a worse link of the point it leads to, which makes the result the one of visiting
/// the points in that order whatever the thread count.
fn chain(points: &[Located], rows: &RowIndex) -> (Vec<u32>, Vec<u32>) {
    let height = rows.start.len() - 1;
    let best: Vec<Best> = (0..height)
        .into_par_iter()
        .with_min_len(16)
        .flat_map_iter(|r| rows.best_of_row(points, r))
        .collect();
    let n = points.len();
    let (mut next, mut prev) = (vec![NONE; n], vec![NONE; n]);
    let at = |i: u32| &points[i as usize];
    for (f, b) in best.iter().enumerate() {
        let from = f as u32;
        let (ahead, ahead_score) = (b.ahead, b.ahead_score);
        let (behind, behind_score) = (b.behind, b.behind_score);
        if ahead != NONE && next[f] != ahead {
            let alt = prev[ahead as usize];
            if alt == NONE || score(at(alt), at(ahead)) < ahead_score {
                if next[f] != NONE {
                    prev[next[f] as usize] = NONE;
                }
                next[f] = ahead;
                if alt != NONE {
                    next[alt as usize] = NONE;
                }
                prev[ahead as usize] = from;
            }
        }
        if behind != NONE && prev[f] != behind {
            let alt = next[behind as usize];
            if alt == NONE || score(at(alt), at(behind)) > behind_score {
                if alt != NONE {
                    prev[alt as usize] = NONE;
                }
                next[behind as usize] = from;
                if prev[f] != NONE {
                    next[prev[f] as usize] = NONE;
                }
                prev[f] = behind;
            }
        }
    }
    (next, prev)
}

/// The curves the links make, each point in exactly one.
fn read_curves(points: &[Located], next: &[u32], prev: &[u32]) -> Vec<Curve> {
    let mut seen = vec![false; points.len()];
    let mut curves = Vec::new();
    for start in 0..points.len() {
        if seen[start] {
            continue;
        }
        // Back to the chain's first point, or round to `start` on a cycle.
        let mut head = start;
        let mut closed = false;
        while prev[head] != NONE {
            head = prev[head] as usize;
            if head == start {
                closed = true;
                break;
            }
        }
        let mut curve = Curve {
            points: Vec::new(),
            closed,
        };
        let mut i = head;
        loop {
            seen[i] = true;
            curve.points.push(points[i].point);
            match next[i] {
                NONE => break,
                j if j as usize == head => break,
                j => i = j as usize,
            }
        }
        curves.push(curve);
    }
    curves
}
