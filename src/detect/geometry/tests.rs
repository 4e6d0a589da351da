//! Geometry on rendered edges of known position and on hand-made masks. Expected values come
//! from the shapes drawn, never from the code's output.

use ndarray::Array2;

use super::*;
use crate::detect::edges::threshold::Threshold;
use crate::detect::{DetectConfig, EdgeRule};

/// An image of `rows x cols` pixels, 1 where `inside(x, y)` and 0 elsewhere, anti-aliased:
/// each pixel the mean of 16 x 16 samples (pixel centres at whole coordinates).
fn render(rows: usize, cols: usize, inside: impl Fn(f64, f64) -> bool) -> Array2<f32> {
    const N: usize = 16;
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        let mut count = 0;
        for i in 0..N {
            for j in 0..N {
                let x = c as f64 - 0.5 + (j as f64 + 0.5) / N as f64;
                let y = r as f64 - 0.5 + (i as f64 + 0.5) / N as f64;
                count += usize::from(inside(x, y));
            }
        }
        count as f32 / (N * N) as f32
    })
}

/// The curves of `img` with the default detection (automatic level, sigma 1, thinned).
fn curves_of(img: &Array2<f32>) -> Curves {
    let pipeline = DetectConfig::default().build().unwrap();
    trace(
        &pipeline,
        LumaView::F32(img.view()),
        0.0,
        &mut Timings::new(),
    )
    .unwrap()
}

/// Points farther than `margin` pixels from the image's border (where the replicated border
/// bends the edges).
fn inner(curves: &Curves, margin: f32) -> Vec<EdgePoint> {
    let (w, h) = (curves.width as f32, curves.height as f32);
    curves
        .curves
        .iter()
        .flat_map(|c| c.points.iter().copied())
        .filter(|p| {
            p.x > margin && p.y > margin && p.x < w - 1.0 - margin && p.y < h - 1.0 - margin
        })
        .collect()
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn a_sub_pixel_step_is_found_where_it_is() {
    // A vertical step at x = 20.3: pixel x covers [x - 0.5, x + 0.5].
    let edge = 20.3f32;
    let img = Array2::from_shape_fn((32, 40), |(_, c)| (c as f32 + 0.5 - edge).clamp(0.0, 1.0));
    let curves = curves_of(&img);
    assert_eq!(curves.curves.len(), 1, "one straight curve");
    let points = inner(&curves, 3.0);
    assert!(points.len() >= 24);
    let errors: Vec<f32> = points.iter().map(|p| (p.x - edge).abs()).collect();
    assert!(mean(&errors) < 0.05, "mean error {}", mean(&errors));
    assert!(errors.iter().all(|&e| e < 0.1));
    // Dark to bright along +x: the gradient points right.
    assert!(points
        .iter()
        .all(|p| p.direction.abs() < 1e-3 && p.strength > 0.1));
}

#[test]
fn a_line_at_30_degrees_is_found_within_a_twentieth_of_a_pixel() {
    // The edge through (24.3, 20.1) at 30° from the x axis: normal (-sin 30°, cos 30°).
    let (sin, cos) = (0.5f64, 3f64.sqrt() / 2.0);
    let (x0, y0) = (24.3, 20.1);
    let side = move |x: f64, y: f64| -sin * (x - x0) + cos * (y - y0);
    let img = render(40, 48, |x, y| side(x, y) > 0.0);
    let curves = curves_of(&img);
    let points = inner(&curves, 4.0);
    assert!(points.len() >= 30);
    let errors: Vec<f32> = points
        .iter()
        .map(|p| side(p.x as f64, p.y as f64).abs() as f32)
        .collect();
    assert!(mean(&errors) < 0.05, "mean error {}", mean(&errors));
    assert!(errors.iter().all(|&e| e < 0.15), "{errors:?}");
    // One curve runs along the whole line.
    let longest = curves.curves.iter().map(Curve::length).fold(0.0, f32::max);
    assert!(
        longest > 0.95 * 48.0 / cos as f32 - 4.0,
        "longest {longest}"
    );
}

/// The distance of each point to the circle of centre `(cx, cy)` and radius `r`.
fn circle_errors(points: &[EdgePoint], (cx, cy, r): (f64, f64, f64)) -> Vec<f32> {
    points
        .iter()
        .map(|p| ((p.x as f64 - cx).hypot(p.y as f64 - cy) - r).abs() as f32)
        .collect()
}

/// The circle through `points` by Kåsa's algebraic fit: `(cx, cy, r)`.
fn fit_circle(points: &[EdgePoint]) -> (f64, f64, f64) {
    // Least squares for x² + y² + D x + E y + F = 0, by the normal equations and Cramer's rule.
    let mut a = [[0f64; 3]; 3];
    let mut b = [0f64; 3];
    for p in points {
        let (x, y) = (p.x as f64, p.y as f64);
        let row = [x, y, 1.0];
        let rhs = -(x * x + y * y);
        for i in 0..3 {
            for j in 0..3 {
                a[i][j] += row[i] * row[j];
            }
            b[i] += row[i] * rhs;
        }
    }
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(a);
    let solve = |k: usize| {
        let mut m = a;
        for i in 0..3 {
            m[i][k] = b[i];
        }
        det(m) / d
    };
    let (dd, ee, ff) = (solve(0), solve(1), solve(2));
    let (cx, cy) = (-dd / 2.0, -ee / 2.0);
    (cx, cy, (cx * cx + cy * cy - ff).sqrt())
}

#[test]
fn a_disc_is_one_closed_curve_on_its_circle() {
    let (cx, cy, r) = (31.37f64, 29.81f64, 17.23f64);
    let img = render(64, 64, |x, y| (x - cx).hypot(y - cy) < r);
    let curves = curves_of(&img);
    assert_eq!(
        curves.curves.len(),
        1,
        "{:?}",
        curves
            .curves
            .iter()
            .map(|c| c.points.len())
            .collect::<Vec<_>>()
    );
    let disc = &curves.curves[0];
    assert!(disc.closed);
    let errors = circle_errors(&disc.points, (cx, cy, r));
    assert!(mean(&errors) < 0.05, "mean error {}", mean(&errors));
    assert!(errors.iter().all(|&e| e < 0.15));
    // The curve goes round the whole circle.
    let perimeter = 2.0 * std::f64::consts::PI * r;
    assert!(
        (disc.length() as f64 - perimeter).abs() < 0.02 * perimeter,
        "{}",
        disc.length()
    );
    let (fx, fy, fr) = fit_circle(&disc.points);
    assert!(
        (fx - cx).abs() < 0.02 && (fy - cy).abs() < 0.02,
        "centre {fx} {fy}"
    );
    // Smoothing moves the magnitude's peak on a curved edge towards the centre of curvature
    // by about V / 2R (V the variance of the smoothing, the derivative and the pixel: about
    // 1.4 px² here), 0.04 px at this radius.
    assert!(fr < r && r - fr < 0.06, "radius {fr}");
}

/// Maps of a hand-made mask: `#` marks an edge pixel; `gradient(row, col)` gives its gradient.
/// The magnitude is flat, so every point sits on its pixel's centre.
fn hand_made(
    rows: &[&str],
    gradient: impl Fn(usize, usize) -> (f32, f32),
) -> (Array2<u8>, Array2<f32>, Array2<f32>, Array2<f32>) {
    let (h, w) = (rows.len(), rows[0].len());
    let edges = Array2::from_shape_fn((h, w), |(r, c)| {
        if rows[r].as_bytes()[c] == b'#' {
            255
        } else {
            0
        }
    });
    let dx = Array2::from_shape_fn((h, w), |(r, c)| gradient(r, c).0);
    let dy = Array2::from_shape_fn((h, w), |(r, c)| gradient(r, c).1);
    (edges, Array2::from_elem((h, w), 1.0), dx, dy)
}

fn link_hand_made(
    rows: &[&str],
    gradient: impl Fn(usize, usize) -> (f32, f32),
    min: f32,
) -> Curves {
    let (e, m, dx, dy) = hand_made(rows, gradient);
    link(
        &EdgeMaps::new(e.view(), m.view(), dx.view(), dy.view()).unwrap(),
        min,
    )
    .unwrap()
}

/// The pixel positions of a curve's points, `(x, y)`.
fn positions(curve: &Curve) -> Vec<(i32, i32)> {
    curve
        .points
        .iter()
        .map(|p| (p.x as i32, p.y as i32))
        .collect()
}

/// Every edge pixel of `rows` is in exactly one curve.
fn assert_each_point_once(rows: &[&str], curves: &Curves) {
    let mut seen: Vec<(i32, i32)> = curves.curves.iter().flat_map(positions).collect();
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), n, "a point in two places");
    let marked = rows.iter().map(|r| r.matches('#').count()).sum::<usize>();
    assert_eq!(n, marked);
}

#[test]
fn crossing_lines_stay_two_straight_curves() {
    // A horizontal line (gradient down) crossed by a vertical one (gradient right); the
    // crossing pixel belongs to the horizontal line. The vertical line is linked across it
    // (the gap is one pixel).
    let rows = [
        ".....#.....",
        ".....#.....",
        ".....#.....",
        "###########",
        ".....#.....",
        ".....#.....",
        ".....#.....",
    ];
    let curves = link_hand_made(
        &rows,
        |r, c| {
            if r == 3 {
                (0.0, 1.0)
            } else if c == 5 {
                (1.0, 0.0)
            } else {
                (0.0, 0.0)
            }
        },
        0.0,
    );
    assert_each_point_once(&rows, &curves);
    assert_eq!(curves.curves.len(), 2);
    // Along the tangent (dy, -dx): the horizontal line runs to +x, the vertical one to -y.
    let horizontal: Vec<(i32, i32)> = (0..11).map(|x| (x, 3)).collect();
    let vertical: Vec<(i32, i32)> = [6, 5, 4, 2, 1, 0].iter().map(|&y| (5, y)).collect();
    let found: Vec<Vec<(i32, i32)>> = curves.curves.iter().map(positions).collect();
    assert!(found.contains(&horizontal), "{found:?}");
    assert!(found.contains(&vertical), "{found:?}");
    assert!(curves.curves.iter().all(|c| !c.closed));
}

#[test]
fn at_a_t_junction_the_nearer_neighbour_wins() {
    // A branch leaves the horizontal line diagonally, its gradient compatible with the
    // line's: the line's points link to their neighbours at distance 1, the branch (at √2)
    // becomes a curve of its own.
    let rows = [
        "...........",
        "###########",
        "......#....",
        ".......#...",
        "........#..",
    ];
    let s = std::f32::consts::FRAC_1_SQRT_2;
    let curves = link_hand_made(&rows, |r, _| if r == 1 { (0.0, 1.0) } else { (-s, s) }, 0.0);
    assert_each_point_once(&rows, &curves);
    let found: Vec<Vec<(i32, i32)>> = curves.curves.iter().map(positions).collect();
    let line: Vec<(i32, i32)> = (0..11).map(|x| (x, 1)).collect();
    assert_eq!(found, vec![line, vec![(6, 2), (7, 3), (8, 4)]]);
}

#[test]
fn a_one_pixel_gap_is_bridged_and_a_two_pixel_gap_is_not() {
    let rows = ["##.###..####"];
    let curves = link_hand_made(&rows, |_, _| (0.0, 1.0), 0.0);
    assert_each_point_once(&rows, &curves);
    let found: Vec<Vec<(i32, i32)>> = curves.curves.iter().map(positions).collect();
    let run = |xs: std::ops::Range<i32>| xs.map(|x| (x, 0)).collect::<Vec<_>>();
    let first: Vec<(i32, i32)> = run(0..2).into_iter().chain(run(3..6)).collect();
    assert_eq!(found, vec![first, run(8..12)]);
}

#[test]
fn edges_of_opposite_contrast_are_not_linked() {
    // Two touching runs whose gradients point opposite ways.
    let rows = ["########"];
    let curves = link_hand_made(
        &rows,
        |_, c| if c < 4 { (0.0, 1.0) } else { (0.0, -1.0) },
        0.0,
    );
    assert_eq!(curves.curves.len(), 2);
    assert_each_point_once(&rows, &curves);
}

#[test]
fn a_ring_of_pixels_is_one_closed_curve() {
    // The outline of a bright square, each gradient pointing inwards (dark to bright).
    let rows = [
        "........", ".######.", ".#....#.", ".#....#.", ".#....#.", ".######.", "........",
    ];
    let curves = link_hand_made(
        &rows,
        |r, c| {
            let gx = (3.5 - c as f32).signum() * f32::from(c == 1 || c == 6);
            let gy = (3.0 - r as f32).signum() * f32::from(r == 1 || r == 5);
            (gx, gy)
        },
        0.0,
    );
    assert_each_point_once(&rows, &curves);
    assert_eq!(curves.curves.len(), 1);
    let ring = &curves.curves[0];
    assert!(ring.closed);
    // 18 unit steps round the 6 x 5 outline, corners included.
    let steps: Vec<f32> = ring
        .points
        .iter()
        .zip(ring.points.iter().cycle().skip(1))
        .map(|(a, b)| a.distance(b))
        .collect();
    assert_eq!(steps, vec![1.0; 18]);
}

#[test]
fn short_curves_are_dropped_by_length() {
    let rows = ["###########.....####"];
    let keep_all = link_hand_made(&rows, |_, _| (0.0, 1.0), 0.0);
    assert_eq!(keep_all.curves.len(), 2);
    // Lengths 10 and 3 pixels.
    let long = link_hand_made(&rows, |_, _| (0.0, 1.0), 5.0);
    assert_eq!(long.curves.len(), 1);
    assert_eq!(long.curves[0].length(), 10.0);
    let (e, m, dx, dy) = hand_made(&rows, |_, _| (0.0, 1.0));
    let maps = EdgeMaps::new(e.view(), m.view(), dx.view(), dy.view()).unwrap();
    assert_eq!(link(&maps, -1.0), Err(GeometryError::MinLength(-1.0)));
    assert!(link(&maps, f32::NAN).is_err());
}

#[test]
fn empty_and_flat_images_have_no_curves() {
    let pipeline = DetectConfig::default().build().unwrap();
    let empty = Array2::<u8>::zeros((0, 0));
    let c = trace(
        &pipeline,
        LumaView::U8(empty.view()),
        0.0,
        &mut Timings::new(),
    )
    .unwrap();
    assert_eq!((c.width, c.height, c.curves.len()), (0, 0, 0));
    let flat = Array2::<u8>::from_elem((5, 7), 9);
    let c = trace(
        &pipeline,
        LumaView::U8(flat.view()),
        0.0,
        &mut Timings::new(),
    )
    .unwrap();
    assert_eq!((c.width, c.height, c.curves.len()), (7, 5, 0));
}

#[test]
fn unthinned_edges_are_refused() {
    let config = DetectConfig {
        rule: EdgeRule::Threshold(Threshold::Value(0.1)),
        ..Default::default()
    };
    let img = Array2::<u8>::zeros((4, 4));
    let err = trace(
        &config.build().unwrap(),
        LumaView::U8(img.view()),
        0.0,
        &mut Timings::new(),
    );
    assert_eq!(err.unwrap_err(), GeometryError::NotThinned);
    assert!(GeometryError::NotThinned.to_string().contains("--thin"));
}

/// The Laplacian of Gaussian pipeline (`--operator log`, sigma 2) with `rule`.
fn log_pipeline(rule: EdgeRule) -> Pipeline {
    let config = DetectConfig {
        operator: crate::detect::derivatives::Operator::Log,
        rule,
        ..Default::default()
    };
    config.build().unwrap()
}

#[test]
fn log_zero_crossings_of_a_step_are_one_pixel_on_the_step() {
    // A vertical step at x = 20.3 (pixel x covers [x - 0.5, x + 0.5]).
    let edge = 20.3f32;
    let img = Array2::from_shape_fn((32, 40), |(_, c)| (c as f32 + 0.5 - edge).clamp(0.0, 1.0));
    let pipeline = log_pipeline(EdgeRule::default());
    let d = pipeline.run(LumaView::F32(img.view()), &WANTED, &mut Timings::new());
    // One edge pixel per row, the one nearest the step.
    let edges = d.edges.as_ref().unwrap();
    for row in edges.rows() {
        let cols: Vec<usize> = (0..40).filter(|&c| row[c] != 0).collect();
        assert_eq!(cols, vec![20], "{row}");
    }
    let curves = contours(&d, 0.0).unwrap();
    assert_eq!(curves.curves.len(), 1, "one straight curve");
    let points = inner(&curves, 4.0);
    assert!(points.len() >= 22);
    let errors: Vec<f32> = points.iter().map(|p| (p.x - edge).abs()).collect();
    assert!(mean(&errors) < 0.05, "mean error {}", mean(&errors));
    assert!(errors.iter().all(|&e| e < 0.1), "{errors:?}");
    assert!(points.iter().all(|p| p.direction.abs() < 1e-3));
}

#[test]
fn log_zero_crossings_of_a_blob_are_one_closed_curve_round_it() {
    let (cx, cy, r) = (31.4f64, 30.7f64, 12.3f64);
    let img = render(64, 64, |x, y| (x - cx).hypot(y - cy) < r);
    let pipeline = log_pipeline(EdgeRule::default());
    let d = pipeline.run(LumaView::F32(img.view()), &WANTED, &mut Timings::new());
    let curves = contours(&d, 0.0).unwrap();
    assert_eq!(curves.curves.len(), 1);
    let blob = &curves.curves[0];
    assert!(blob.closed);
    let errors = circle_errors(&blob.points, (cx, cy, r));
    // The zero crossing of a disc's Laplacian of Gaussian lies off its edge by about
    // sigma² / 2R (0.16 px here), the way of curved edges.
    assert!(mean(&errors) < 0.25, "mean error {}", mean(&errors));
    assert!(errors.iter().all(|&e| e < 0.4), "{errors:?}");
    let (fx, fy, _) = fit_circle(&blob.points);
    assert!(
        (fx - cx).abs() < 0.03 && (fy - cy).abs() < 0.03,
        "centre {fx} {fy}"
    );
    // The gradient points into the bright blob.
    for p in &blob.points {
        let inwards = (cy - p.y as f64).atan2(cx - p.x as f64) as f32;
        assert!((p.direction - inwards).cos() > 0.9, "{p:?}");
    }
}

#[test]
fn log_edges_pass_the_threshold_and_thinning_options_are_refused() {
    let (cx, cy, r) = (31.4f64, 30.7f64, 12.3f64);
    let img = render(64, 64, |x, y| (x - cx).hypot(y - cy) < r);
    let run = |rule| {
        let p = log_pipeline(rule);
        p.run(LumaView::F32(img.view()), &WANTED, &mut Timings::new())
    };
    let count = |d: &Detection| {
        d.edges
            .as_ref()
            .unwrap()
            .iter()
            .filter(|&&e| e != 0)
            .count()
    };
    // A level above the blob's gradient leaves nothing; a small one keeps the circle.
    assert_eq!(count(&run(EdgeRule::Threshold(Threshold::Value(1.0)))), 0);
    let low = run(EdgeRule::Threshold(Threshold::Value(0.01)));
    assert!(count(&low) > 60 && count(&low) < 100, "{}", count(&low));
    let levels = "0.01,0.05".parse().unwrap();
    assert!(count(&run(EdgeRule::Hysteresis(levels))) > 60);
    for (config, with) in [
        (
            DetectConfig {
                operator: crate::detect::derivatives::Operator::Log,
                thin: true,
                ..Default::default()
            },
            "thin",
        ),
        (
            DetectConfig {
                operator: crate::detect::derivatives::Operator::Log,
                rule: EdgeRule::Canny(None),
                ..Default::default()
            },
            "canny",
        ),
    ] {
        let err = config.build().unwrap_err();
        assert_eq!(err, crate::detect::config::ConfigError::LogWith(with));
    }
}

/// A textured image: a disc and a bar over smooth shading and deterministic noise.
fn textured(rows: usize, cols: usize) -> Array2<f32> {
    let shapes = render(rows, cols, |x, y| {
        (x - 21.3).hypot(y - 17.9) < 9.7 || (40.2..47.6).contains(&x)
    });
    Array2::from_shape_fn((rows, cols), |(r, c)| {
        let noise = ((r * 7919 + c * 104_729) % 1013) as f32 / 1013.0 - 0.5;
        0.6 * shapes[[r, c]] + 0.002 * (r + c) as f32 + 0.05 * noise
    })
}

#[test]
fn the_pipeline_fits_the_points_whole_maps_give() {
    use crate::detect::derivatives::Operator;
    let img = textured(57, 63);
    let luma = LumaView::F32(img.view());
    let levels = "0.02,0.06".parse().unwrap();
    for config in [
        DetectConfig::default(),
        DetectConfig {
            rule: EdgeRule::Canny(None),
            ..Default::default()
        },
        DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Otsu),
            thin: true,
            ..Default::default()
        },
        DetectConfig {
            rule: EdgeRule::Hysteresis(levels),
            thin: true,
            operator: Operator::Sobel,
            ..Default::default()
        },
        DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Percent(10.0)),
            thin: true,
            sigma: Some(0.0),
            ..Default::default()
        },
    ] {
        let pipeline = config.clone().build().unwrap();
        let t = &mut Timings::new();
        let fused = pipeline.run(luma, &WANTED, t);
        let maps = pipeline.run(luma, &Wanted::all().union(WANTED), t);
        assert_eq!(fused.edges, maps.edges, "{config:?}");
        let expected = locate(&EdgeMaps::of(&maps).unwrap());
        assert!(expected.len() > 20, "{config:?}");
        assert_eq!(fused.points.as_ref(), Some(&expected), "{config:?}");
        assert_eq!(maps.points.as_ref(), Some(&expected), "{config:?}");
        // Whatever the thread count.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let alone = one.install(|| pipeline.run(luma, &WANTED, &mut Timings::new()));
        assert_eq!(alone.points, fused.points, "{config:?}");
    }
    // Zero crossings: the same points from the fused rows and from the maps.
    let pipeline = log_pipeline(EdgeRule::default());
    let t = &mut Timings::new();
    let fused = pipeline.run(luma, &WANTED, t);
    let maps = pipeline.run(luma, &Wanted::all().union(WANTED), t);
    assert_eq!(fused.edges, maps.edges);
    assert!(fused.points.as_ref().unwrap().len() > 20);
    assert_eq!(fused.points, maps.points);
}

#[test]
fn points_are_complete_when_the_sampled_rows_misjudge_the_level() {
    // The automatic level is guessed from a sample of rows (rows 4, 12, 20, ... of 64 rows),
    // which here are the only noisy rows with their neighbours: the guess is far above the
    // level the whole image gives, and the points are fitted again in a pass of their own.
    let img = Array2::from_shape_fn((64, 48), |(r, c)| {
        let noisy = matches!(r % 8, 3..=5);
        let noise = ((r * 7919 + c * 104_729) % 1013) as f32 / 1013.0 - 0.5;
        let step = if c >= 24 { 0.5 } else { 0.0 };
        step + if noisy { 0.3 * noise } else { 0.0 }
    });
    let luma = LumaView::F32(img.view());
    for rule in [EdgeRule::default(), EdgeRule::Canny(None)] {
        let config = DetectConfig {
            rule,
            sigma: Some(0.0),
            ..Default::default()
        };
        let pipeline = config.build().unwrap();
        let t = &mut Timings::new();
        let fused = pipeline.run(luma, &WANTED, t);
        let refitted = t.stages().iter().any(|&(stage, _)| stage == "refit_ms");
        assert!(refitted, "{rule:?}: the guess was not above the level");
        let maps = pipeline.run(luma, &Wanted::all(), t);
        assert_eq!(fused.edges, maps.edges);
        let expected = locate(&EdgeMaps::of(&maps).unwrap());
        assert!(expected.len() > 64, "{rule:?}: {}", expected.len());
        assert_eq!(fused.points, Some(expected), "{rule:?}");
    }
}
