//! The streamed edges against [`Pipeline::run`] on the same file: equal bit for bit whatever
//! the chunk height (a single row, odd heights, chunks smaller than the halo, one chunk for
//! the whole image), for every rule (hysteresis and Canny included), every operator, and 8-bit,
//! 16-bit and colour (float luma) images, and on images whose edges wind up and down across many
//! chunks before they reach a strong pixel.

use std::path::Path;

use super::*;
use crate::detect::derivatives::Operator;
use crate::detect::edges::threshold::Threshold;
use crate::detect::rule::{EdgeRule, HysteresisLevels};
use crate::detect::{DetectConfig, EdgeOrder, Wanted};
use crate::image::stream::open_rows;
use crate::image::{load, LoadOptions};

/// A scene with edges at every angle and noise, `h x w`, as 16-bit values.
fn scene(h: u32, w: u32, seed: u32) -> impl Fn(u32, u32) -> u16 {
    move |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let disc = (fx - 0.4).powi(2) + (fy - 0.6).powi(2) < 0.08;
        let stripe = ((fx * 3.0 + fy * 2.0) * 4.0) as u32 % 2 == 0;
        let noise = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ seed) % 4096;
        let v = 12_000 * u32::from(disc) + 20_000 * u32::from(stripe) + 15 * noise;
        v.min(65_535) as u16
    }
}

/// Writes the scene as an 8-bit gray, 16-bit gray or 8-bit RGB PNG.
fn write_png(path: &Path, kind: &str, h: u32, w: u32) {
    write_scene(path, kind, h, w, scene(h, w, h * 31 + w));
}

/// Writes the 16-bit picture `f` (of `(x, y)`) as an 8-bit gray, 16-bit gray or 8-bit RGB PNG
/// (`rgb`: channels of different scales, `tint`: the 8-bit gray, blue halved; either has a float
/// luma).
fn write_scene(path: &Path, kind: &str, h: u32, w: u32, f: impl Fn(u32, u32) -> u16) {
    match kind {
        "gray8" => image::GrayImage::from_fn(w, h, |x, y| image::Luma([(f(x, y) >> 8) as u8]))
            .save(path)
            .unwrap(),
        "gray16" => {
            image::ImageBuffer::<image::Luma<u16>, _>::from_fn(w, h, |x, y| image::Luma([f(x, y)]))
                .save(path)
                .unwrap()
        }
        "tint" => image::RgbImage::from_fn(w, h, |x, y| {
            let v = (f(x, y) >> 8) as u8;
            image::Rgb([v, v, v / 2])
        })
        .save(path)
        .unwrap(),
        _ => image::RgbImage::from_fn(w, h, |x, y| {
            let v = f(x, y);
            image::Rgb([(v >> 8) as u8, (v >> 6) as u8, (v % 251) as u8])
        })
        .save(path)
        .unwrap(),
    }
}

fn configs() -> Vec<DetectConfig> {
    let rule = |t| EdgeRule::Threshold(t);
    let base = DetectConfig::default();
    vec![
        base.clone(),
        DetectConfig {
            sigma: Some(0.0),
            ..base.clone()
        },
        DetectConfig {
            rule: rule(Threshold::Value(0.08)),
            ..base.clone()
        },
        DetectConfig {
            rule: rule(Threshold::Value(0.05)),
            thin: true,
            operator: Operator::Sobel,
            edge_order: EdgeOrder::Second,
            ..base.clone()
        },
        DetectConfig {
            rule: rule(Threshold::Otsu),
            sigma: Some(2.5),
            ..base.clone()
        },
        DetectConfig {
            rule: rule(Threshold::Percent(7.5)),
            thin: true,
            operator: Operator::Scharr,
            ..base.clone()
        },
        DetectConfig {
            rule: rule(Threshold::Percent(30.0)),
            operator: Operator::Prewitt,
            sigma: Some(1.3),
            ..base.clone()
        },
    ]
    .into_iter()
    .chain(connecting())
    .collect()
}

/// The rules that connect edges: hysteresis (thinned or not) and Canny (automatic or given
/// levels).
fn connecting() -> Vec<DetectConfig> {
    let levels = |low, high| HysteresisLevels::new(low, high).unwrap();
    let base = DetectConfig::default();
    vec![
        DetectConfig {
            rule: EdgeRule::Hysteresis(levels(0.02, 0.12)),
            ..base.clone()
        },
        DetectConfig {
            rule: EdgeRule::Hysteresis(levels(0.03, 0.2)),
            thin: true,
            operator: Operator::Sobel,
            sigma: Some(0.8),
            ..base.clone()
        },
        DetectConfig {
            rule: EdgeRule::Canny(None),
            ..base.clone()
        },
        DetectConfig {
            rule: EdgeRule::Canny(None),
            edge_order: EdgeOrder::Second,
            sigma: Some(2.0),
            ..base.clone()
        },
        DetectConfig {
            rule: EdgeRule::Canny(Some(levels(0.01, 0.05))),
            operator: Operator::Scharr,
            ..base
        },
    ]
}

/// The streamed edges of `path` with `chunk` rows a chunk.
fn streamed(pipeline: &Pipeline, path: &Path, chunk: usize) -> (Vec<u8>, StreamedEdges) {
    let options = LoadOptions::default();
    let open = || Ok(open_rows(path, &options)?.expect("this PNG streams"));
    let mut rows = Vec::new();
    let mut writes = 0;
    let done = stream_edges(
        pipeline,
        &open,
        &mut |r| {
            writes += 1;
            rows.extend_from_slice(r);
            Ok(())
        },
        Some(chunk),
        &mut Timings::new(),
    )
    .unwrap();
    let (h, w) = done.size;
    assert_eq!(writes, h.div_ceil(chunk), "one write a chunk");
    assert_eq!(rows.len(), h * w);
    (rows, done)
}

/// Asserts that the streamed edges of the PNG at `path` are the in-memory ones for each
/// pipeline of `configs` and each chunk height of `chunks`; returns the in-memory edges.
fn same_edges(path: &Path, configs: &[DetectConfig], chunks: &[usize]) -> Vec<Vec<u8>> {
    let whole = load(path, &LoadOptions::default()).unwrap();
    let mut all = Vec::new();
    for config in configs {
        let pipeline = config.clone().build().unwrap();
        let want = pipeline.run(whole.luma.view(), &Wanted::edges(), &mut Timings::new());
        let want_edges = want.edges.unwrap().into_raw_vec_and_offset().0;
        for &chunk in chunks {
            let (got, done) = streamed(&pipeline, path, chunk);
            assert!(
                got == want_edges,
                "{}, chunks of {chunk}, {config:?}: {} pixels differ",
                path.display(),
                got.iter().zip(&want_edges).filter(|(a, b)| a != b).count()
            );
            assert_eq!(
                done.threshold.to_bits(),
                want.threshold.to_bits(),
                "{config:?}"
            );
            assert_eq!(done.hysteresis, want.hysteresis, "{config:?}");
        }
        all.push(want_edges);
    }
    all
}

#[test]
fn streamed_edges_are_the_in_memory_edges_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, h, w) in [
        ("gray8", 61, 47),
        ("gray16", 40, 33),
        ("rgb", 29, 52),
        ("gray8", 3, 9),
        ("gray16", 1, 12),
        ("rgb", 14, 1),
    ] {
        let path = dir.path().join(format!("{kind}-{h}x{w}.png"));
        write_png(&path, kind, h, w);
        same_edges(&path, &configs(), &[1, 2, 5, 16, 1000]);
    }
}

/// Weak edges that wind through the whole image and reach strong ones only at its bottom, `h x
/// w`: a square spiral (with `spiral`) or columns joined alternately at the bottom and the top
/// (a zig-zag), of lines whose contrast is faint except at the bottom (the spiral's outer ring,
/// the zig-zag's last column).
fn winding(h: u32, w: u32, spiral: bool) -> impl Fn(u32, u32) -> u16 {
    let (faint, sharp) = (3000u16, 40_000u16);
    let background = 10_000u16;
    move |x, y| {
        let on = if spiral {
            // Rings two pixels wide, eight apart, each cut open and joined to the next one.
            let (cx, cy) = (w as i64 / 2, h as i64 / 2);
            let (dx, dy) = (x as i64 - cx, y as i64 - cy);
            let ring = dx.abs().max(dy.abs());
            let cut = dy < 0 && (0..3).contains(&dx);
            let joint = dy < 0 && (3..5).contains(&dx) && ring % 8 > 1;
            (ring % 8 < 2 && !cut) || joint
        } else {
            // Columns two wide, eight apart, joined at the bottom, then the top, and so on.
            let (col, k) = (x % 8, x / 8);
            let bar = (0..2).contains(&col);
            let bridge = (2..8).contains(&col) && {
                let at_bottom = k % 2 == 0;
                if at_bottom {
                    y + 3 >= h
                } else {
                    y < 3
                }
            };
            bar || bridge
        };
        let sharp_here = y + 6 >= h && (spiral || x + 10 >= w);
        match (on, sharp_here) {
            (false, _) => background,
            (true, false) => background + faint,
            (true, true) => background + sharp,
        }
    }
}

#[test]
fn edges_winding_across_many_chunks_are_connected_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let levels = |low, high| HysteresisLevels::new(low, high).unwrap();
    let configs = [
        DetectConfig {
            rule: EdgeRule::Hysteresis(levels(0.01, 0.2)),
            ..DetectConfig::default()
        },
        DetectConfig {
            rule: EdgeRule::Hysteresis(levels(0.005, 0.1)),
            thin: true,
            sigma: Some(1.0),
            ..DetectConfig::default()
        },
        DetectConfig {
            rule: EdgeRule::Canny(Some(levels(0.005, 0.1))),
            ..DetectConfig::default()
        },
        DetectConfig {
            rule: EdgeRule::Canny(None),
            ..DetectConfig::default()
        },
    ];
    for (spiral, kind, h, w) in [
        (true, "gray8", 90, 90),
        (true, "gray16", 71, 64),
        (false, "gray8", 120, 61),
        (false, "tint", 97, 45),
    ] {
        let path = dir
            .path()
            .join(format!("winding-{spiral}-{kind}-{h}x{w}.png"));
        write_scene(&path, kind, h, w, winding(h, w, spiral));
        let edges = same_edges(&path, &configs, &[1, 3, 7, 16]);
        // Unthinned, the faint lines are edges as far up as the top rows, which they reach only
        // from the bottom (thinning may cut them at corners).
        let top = edges[0][..4 * w as usize]
            .iter()
            .filter(|&&v| v == 255)
            .count();
        assert!(top > 0, "{kind} {h}x{w}: no edges at the top");
    }
}

#[test]
fn a_file_cut_short_fails_after_writing_only_whole_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.png");
    write_png(&path, "gray8", 200, 64);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let pipeline = DetectConfig {
        rule: EdgeRule::Threshold(Threshold::Value(0.1)),
        ..DetectConfig::default()
    }
    .build()
    .unwrap();
    let options = LoadOptions::default();
    let open = || Ok(open_rows(&path, &options)?.unwrap());
    let mut rows = 0;
    let e = stream_edges(
        &pipeline,
        &open,
        &mut |r| {
            rows += r.len() / 64;
            Ok(())
        },
        Some(16),
        &mut Timings::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("corrupt or truncated PNG"), "{e}");
    assert!(rows % 16 == 0 && rows < 200, "{rows} rows written");
}
