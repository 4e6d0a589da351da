//! The pipeline end to end: the fused edge path against the full-map path, thread counts,
//! option checks, and what each edge rule finds on simple scenes.

use edgegrad::detect::derivatives::Operator;
use edgegrad::detect::edges::atan2::ATAN2_MAX_ERROR;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::rule::{HysteresisError, ThresholdError};
use edgegrad::detect::{
    ConfigError, DetectConfig, Detection, EdgeOrder, EdgeRule, HysteresisLevels, Wanted,
};
use edgegrad::image::LumaView;
use edgegrad::timings::Timings;
use ndarray::Array2;
use proptest::prelude::*;

const OPERATORS: [Operator; 4] = [
    Operator::Central,
    Operator::Sobel,
    Operator::Scharr,
    Operator::Prewitt,
];

fn run(config: &DetectConfig, luma: LumaView<'_>, wanted: Wanted) -> Detection {
    config
        .clone()
        .build()
        .unwrap()
        .run(luma, &wanted, &mut Timings::new())
}

/// A noisy scene of blocks: edges of several contrasts plus texture.
fn scene(rows: usize, cols: usize, seed: u64) -> Array2<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    Array2::from_shape_fn((rows, cols), |(y, x)| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let noise = (state >> 59) as i32 - 16;
        let block = ((x / 7 + y / 5) % 3) as i32 * 80 + 20;
        (block + noise).clamp(0, 255) as u8
    })
}

fn threshold_strategy() -> impl Strategy<Value = Threshold> {
    prop_oneof![
        Just(Threshold::Auto),
        Just(Threshold::Otsu),
        (0.0f32..0.6).prop_map(Threshold::Value),
        (0.0f32..=100.0).prop_map(Threshold::Percent),
    ]
}

fn config_strategy() -> impl Strategy<Value = DetectConfig> {
    (
        0usize..4,
        prop_oneof![Just(EdgeOrder::First), Just(EdgeOrder::Second)],
        prop_oneof![Just(None), Just(Some(0.7f32)), Just(Some(1.4f32))],
        threshold_strategy(),
        prop_oneof![
            Just(None),
            Just(Some((0.05f32, 0.2f32))),
            Just(Some((0.0, 0.0)))
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(op, edge_order, sigma, threshold, hysteresis, thin, canny)| {
                let levels =
                    hysteresis.map(|(low, high)| HysteresisLevels::new(low, high).unwrap());
                let rule = match (canny, levels) {
                    (true, levels) => EdgeRule::Canny(levels),
                    (false, Some(levels)) => EdgeRule::Hysteresis(levels),
                    (false, None) => EdgeRule::Threshold(threshold),
                };
                DetectConfig {
                    operator: OPERATORS[op],
                    edge_order,
                    sigma,
                    rule,
                    thin,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn fused_edges_equal_full_map_edges(
        rows in 1usize..40,
        cols in 1usize..40,
        seed in any::<u64>(),
        config in config_strategy(),
        depth in 0usize..3,
    ) {
        let img = scene(rows, cols, seed);
        let wide = img.mapv(|v| u16::from(v) * 257 + (v as u16 % 7));
        let float = img.mapv(|v| f32::from(v) / 255.0 + 0.001);
        let luma = match depth {
            0 => LumaView::U8(img.view()),
            1 => LumaView::U16(wide.view()),
            _ => LumaView::F32(float.view()),
        };
        let fused = run(&config, luma, Wanted::edges());
        let maps = run(&config, luma, Wanted { magnitude: true, ..Wanted::edges() });
        prop_assert_eq!(fused.threshold.to_bits(), maps.threshold.to_bits());
        prop_assert_eq!(fused.hysteresis, maps.hysteresis);
        prop_assert_eq!(&fused.edges, &maps.edges);
        // The level reported is the one applied (without thinning or hysteresis).
        let edges = fused.edges.unwrap();
        let m = maps.magnitude.unwrap();
        let one_level = matches!(config.rule, EdgeRule::Threshold(t) if t != Threshold::Auto);
        if one_level && !config.thin {
            for (&e, &m) in edges.iter().zip(&m) {
                prop_assert_eq!(e == 255, m > fused.threshold);
            }
        }
        prop_assert!(edges.iter().all(|&e| e == 0 || e == 255));
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let img = scene(300, 257, 7);
    let configs = [
        DetectConfig::default(),
        DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Percent(12.5)),
            ..Default::default()
        },
        DetectConfig {
            rule: EdgeRule::Canny(None),
            operator: Operator::Sobel,
            ..Default::default()
        },
        DetectConfig {
            thin: true,
            sigma: Some(2.0),
            ..Default::default()
        },
    ];
    for config in &configs {
        let with = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run(config, LumaView::U8(img.view()), Wanted::all()))
        };
        let one = with(1);
        for threads in [2, 3, 8] {
            assert_eq!(with(threads), one, "{config:?} with {threads} threads");
        }
        let fused = rayon::ThreadPoolBuilder::new()
            .num_threads(5)
            .build()
            .unwrap()
            .install(|| run(config, LumaView::U8(img.view()), Wanted::edges()));
        assert_eq!(fused.edges, one.edges);
    }
}

#[test]
fn full_maps_are_the_derivatives_and_their_magnitude_and_direction() {
    let img = scene(23, 31, 3);
    let otsu = DetectConfig {
        rule: EdgeRule::Threshold(Threshold::Otsu),
        ..Default::default()
    };
    let d = run(&otsu, LumaView::U8(img.view()), Wanted::all());
    let grid = img.mapv(|v| f32::from(v) / 255.0);
    let want = edgegrad::numeric::gradient::gradient(&grid, &Default::default()).unwrap();
    let (dx, dy) = (d.dx.unwrap(), d.dy.unwrap());
    assert_eq!(dx, want[1]);
    assert_eq!(dy, want[0]);
    for (((&m, &a), &x), &y) in d
        .magnitude
        .unwrap()
        .iter()
        .zip(&d.direction.unwrap())
        .zip(&dx)
        .zip(&dy)
    {
        // Within one unit in the last place of hypot (glibc's hypotf, which numpy calls, is
        // correctly rounded here).
        let h = (f64::from(x).powi(2) + f64::from(y).powi(2)).sqrt() as f32;
        assert!(m.to_bits().abs_diff(h.to_bits()) <= 1, "{m} vs {h}");
        // The direction is the fast atan2's: within its stated error of the exact angle.
        let exact = f64::from(y).atan2(f64::from(x));
        assert!(
            (f64::from(a) - exact).abs() <= f64::from(ATAN2_MAX_ERROR),
            "{a} vs {exact}"
        );
    }
}

#[test]
fn a_black_white_step_has_magnitude_one_half() {
    let img = Array2::from_shape_fn((4, 6), |(_, x)| if x < 3 { 0u8 } else { 255 });
    let otsu = DetectConfig {
        rule: EdgeRule::Threshold(Threshold::Otsu),
        ..Default::default()
    };
    let d = run(&otsu, LumaView::U8(img.view()), Wanted::all());
    assert_eq!(
        d.magnitude.unwrap().row(1).to_vec(),
        vec![0.0, 0.0, 0.5, 0.5, 0.0, 0.0]
    );
    let edges = d.edges.unwrap();
    assert_eq!(edges.row(2).to_vec(), vec![0, 0, 255, 255, 0, 0]);
    let below = run(
        &DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Value(0.5)),
            ..Default::default()
        },
        LumaView::U8(img.view()),
        Wanted::edges(),
    );
    assert!(
        below.edges.unwrap().iter().all(|&v| v == 0),
        "0.5 is not above 0.5"
    );
}

#[test]
fn the_default_smooths_thins_and_keeps_clean_steps_but_not_flat_noise() {
    // A clean step: one thin line.
    let img = Array2::from_shape_fn((20, 30), |(_, x)| if x < 15 { 40u8 } else { 200 });
    let d = run(
        &DetectConfig::default(),
        LumaView::U8(img.view()),
        Wanted::edges(),
    );
    for row in d.edges.unwrap().rows() {
        let on: Vec<usize> = (0..30).filter(|&x| row[x] == 255).collect();
        assert_eq!(on, vec![14]);
    }
    // Weak noise alone (about 1 % of full scale): almost nothing.
    let mut state = 99u64;
    let noise = Array2::from_shape_fn((64, 64), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (120 + ((state >> 61) as i32) - 4) as u8
    });
    let d = run(
        &DetectConfig::default(),
        LumaView::U8(noise.view()),
        Wanted::edges(),
    );
    let found = d.edges.unwrap().iter().filter(|&&v| v == 255).count();
    assert!(found < 64 * 64 / 100, "{found} edge pixels in noise");
}

#[test]
fn thin_edges_of_a_step_are_one_pixel_wide() {
    let img = Array2::from_shape_fn((9, 12), |(_, x)| if x < 6 { 10u8 } else { 200 });
    let config = DetectConfig {
        thin: true,
        ..Default::default()
    };
    let edges = run(&config, LumaView::U8(img.view()), Wanted::edges())
        .edges
        .unwrap();
    for row in edges.rows() {
        assert_eq!(row.to_vec(), vec![0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0]);
    }
}

#[test]
fn canny_finds_a_noisy_square_outline_and_not_the_noise() {
    let (n, lo, hi) = (96usize, 16usize, 80usize);
    let mut state = 12345u64;
    let img = Array2::from_shape_fn((n, n), |(y, x)| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let noise = ((state >> 40) % 41) as i32 - 20;
        let inside = (lo..hi).contains(&y) && (lo..hi).contains(&x);
        ((if inside { 170 } else { 70 }) + noise).clamp(0, 255) as u8
    });
    let d = run(
        &DetectConfig {
            rule: EdgeRule::Canny(None),
            ..Default::default()
        },
        LumaView::U8(img.view()),
        Wanted::edges(),
    );
    let edges = d.edges.unwrap();
    let (low, high) = d.hysteresis.unwrap();
    assert!(0.0 < low && low < high, "{low} {high}");
    let near_outline = |y: usize, x: usize| {
        let d = |a: usize, b: usize| a.abs_diff(b) <= 2;
        let on_side = |a: usize, b: usize| {
            (d(a, lo) || d(a, hi - 1) || d(a, hi)) && (lo - 2..=hi + 1).contains(&b)
        };
        on_side(y, x) || on_side(x, y)
    };
    let (mut true_pos, mut false_pos) = (0, 0);
    for ((y, x), &e) in edges.indexed_iter() {
        if e == 255 {
            if near_outline(y, x) {
                true_pos += 1
            } else {
                false_pos += 1
            }
        }
    }
    let perimeter = 4 * (hi - lo);
    assert!(
        true_pos >= perimeter * 9 / 10,
        "found {true_pos} of {perimeter}"
    );
    assert!(false_pos <= perimeter / 20, "{false_pos} false edges");
}

#[test]
fn bad_options_are_refused_with_their_value() {
    let bad = |c: DetectConfig| c.build().unwrap_err();
    assert!("3".parse::<EdgeOrder>().is_err());
    assert!(matches!(
        bad(DetectConfig {
            sigma: Some(-1.0),
            ..Default::default()
        }),
        ConfigError::Sigma(_)
    ));
    assert!(matches!(
        bad(DetectConfig {
            sigma: Some(f32::NAN),
            ..Default::default()
        }),
        ConfigError::Sigma(_)
    ));
    assert_eq!(
        bad(DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Value(-0.1)),
            ..Default::default()
        }),
        ConfigError::Threshold(ThresholdError::Value(-0.1))
    );
    assert_eq!(
        bad(DetectConfig {
            rule: EdgeRule::Threshold(Threshold::Percent(101.0)),
            ..Default::default()
        }),
        ConfigError::Threshold(ThresholdError::Percent(101.0))
    );
    assert_eq!(
        HysteresisLevels::new(0.3, 0.1),
        Err(HysteresisError::Levels {
            low: 0.3,
            high: 0.1
        })
    );
    let message = bad(DetectConfig {
        sigma: Some(-2.0),
        ..Default::default()
    })
    .to_string();
    assert!(
        message.contains("sigma") && message.contains("-2"),
        "{message}"
    );
}

#[test]
fn empty_and_single_pixel_images_give_maps_of_their_size() {
    for (rows, cols) in [(0, 0), (0, 5), (1, 1), (1, 6), (5, 1)] {
        let img = Array2::<u8>::zeros((rows, cols));
        for config in [
            DetectConfig::default(),
            DetectConfig {
                rule: EdgeRule::Canny(None),
                ..Default::default()
            },
        ] {
            let d = run(&config, LumaView::U8(img.view()), Wanted::all());
            assert_eq!(d.edges.unwrap().dim(), (rows, cols));
            let f = run(&config, LumaView::U8(img.view()), Wanted::edges());
            assert_eq!(f.edges.unwrap().dim(), (rows, cols));
        }
    }
}

#[test]
fn strided_views_give_the_same_edges_as_contiguous_ones() {
    let img = scene(40, 50, 11);
    let t = img.t().to_owned();
    let config = DetectConfig {
        rule: EdgeRule::Canny(None),
        ..Default::default()
    };
    let a = run(&config, LumaView::U8(img.view()), Wanted::edges());
    let b = run(&config, LumaView::U8(t.t()), Wanted::edges());
    assert_eq!(a, b);
}

/// The map pictures drawn band by band from the image are those drawn from the full maps,
/// pixel for pixel: every map picture, both depths, 8-bit, 16-bit and float images (with NaN
/// and infinities), any thread count (so any band split).
#[test]
fn banded_pictures_are_the_pictures_of_the_full_maps() {
    use edgegrad::detect::Picture;
    use edgegrad::image::render::Depth;
    let pictures = [
        Picture::Magnitude,
        Picture::Direction,
        Picture::Dx,
        Picture::Dy,
    ];
    for (rows, cols, seed) in [
        (1, 1, 1),
        (1, 7, 2),
        (2, 2, 3),
        (9, 4, 4),
        (41, 37, 5),
        (70, 3, 6),
    ] {
        let img = scene(rows, cols, seed);
        let wide = img.mapv(|v| u16::from(v) * 257 + u16::from(v % 7));
        let mut float = img.mapv(|v| f32::from(v) / 200.0 - 0.1);
        if rows * cols > 100 {
            float[[rows / 2, cols / 3]] = f32::NAN;
            float[[rows / 3, cols / 2]] = f32::INFINITY;
            float[[rows / 4, cols / 4]] = f32::NEG_INFINITY;
        }
        let zero = Array2::<u8>::zeros((rows, cols));
        for (name, luma) in [
            ("u8", LumaView::U8(img.view())),
            ("u16", LumaView::U16(wide.view())),
            ("f32", LumaView::F32(float.view())),
            ("flat", LumaView::U8(zero.view())),
        ] {
            for (op, sigma) in [(Operator::Central, None), (Operator::Sobel, Some(1.4f32))] {
                let pipeline = DetectConfig {
                    operator: op,
                    sigma,
                    edge_order: EdgeOrder::Second,
                    ..Default::default()
                }
                .build()
                .unwrap();
                for picture in pictures {
                    for depth in [Depth::Eight, Depth::Sixteen] {
                        if depth == Depth::Sixteen && picture != Picture::Magnitude {
                            continue;
                        }
                        let maps = pipeline.run(luma, &picture.wanted(), &mut Timings::new());
                        let want = picture.draw(&maps, None, depth).unwrap();
                        for threads in [1, 3] {
                            let got = rayon::ThreadPoolBuilder::new()
                                .num_threads(threads)
                                .build()
                                .unwrap()
                                .install(|| {
                                    pipeline.draw(luma, picture, depth, &mut Timings::new())
                                })
                                .unwrap();
                            assert_eq!(
                                got, want,
                                "{rows}x{cols} {name} {op:?} {picture} {depth:?} {threads} threads"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Streamed map pictures are the bytes of the whole ones (16-bit big-endian, as PNG stores
/// them), over several chunks of rows; a failing sink stops the drawing with its error.
#[test]
fn streamed_pictures_are_the_whole_pictures_bytes() {
    use edgegrad::detect::Picture;
    use edgegrad::image::render::Depth;
    let img = scene(601, 29, 9);
    let luma = LumaView::U8(img.view());
    let pipeline = DetectConfig::default().build().unwrap();
    let t = &mut Timings::new();
    for (picture, depth) in [
        (Picture::Magnitude, Depth::Eight),
        (Picture::Magnitude, Depth::Sixteen),
        (Picture::Direction, Depth::Eight),
        (Picture::Dy, Depth::Eight),
    ] {
        let whole = pipeline.draw(luma, picture, depth, t).unwrap();
        let want: Vec<u8> = match &whole {
            image::DynamicImage::ImageLuma16(p) => p.iter().flat_map(|v| v.to_be_bytes()).collect(),
            other => other.as_bytes().to_vec(),
        };
        let (mut got, mut calls) = (Vec::new(), 0);
        let mut sink = |rows: &[u8]| {
            got.extend_from_slice(rows);
            calls += 1;
            Ok(())
        };
        pipeline
            .draw_streamed(luma, picture, depth, t, &mut sink)
            .unwrap()
            .unwrap();
        assert!(calls > 1, "{picture}: one chunk only");
        assert!(
            got == want,
            "{picture} {depth:?}: the streamed bytes differ"
        );
    }
    let mut failing = |_: &[u8]| Err(std::io::Error::other("disk full"));
    let err = pipeline
        .draw_streamed(luma, Picture::Magnitude, Depth::Eight, t, &mut failing)
        .unwrap()
        .unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    let mut unused = |_: &[u8]| Ok(());
    assert!(pipeline
        .draw_streamed(luma, Picture::Edges, Depth::Eight, t, &mut unused)
        .is_none());
}
