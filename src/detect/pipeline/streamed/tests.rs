//! The streamed edges against [`Pipeline::run`] on the same file: equal bit for bit whatever
//! the chunk height (a single row, odd heights, chunks smaller than the halo, one chunk for
//! the whole image), for every rule that streams, every operator, and 8-bit, 16-bit and colour
//! images.

use std::path::Path;

use super::*;
use crate::detect::derivatives::Operator;
use crate::detect::edges::threshold::Threshold;
use crate::detect::rule::EdgeRule;
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
    let f = scene(h, w, h * 31 + w);
    match kind {
        "gray8" => image::GrayImage::from_fn(w, h, |x, y| image::Luma([(f(x, y) >> 8) as u8]))
            .save(path)
            .unwrap(),
        "gray16" => {
            image::ImageBuffer::<image::Luma<u16>, _>::from_fn(w, h, |x, y| image::Luma([f(x, y)]))
                .save(path)
                .unwrap()
        }
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
            ..base
        },
    ]
}

/// The streamed edges of `path` with `chunk` rows a chunk.
fn streamed(pipeline: &Pipeline, path: &Path, chunk: usize) -> (Vec<u8>, f32) {
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
    (rows, done.threshold)
}

#[test]
fn streamed_edges_are_the_in_memory_edges_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, h, w) in [
        ("gray8", 61, 47),
        ("gray16", 40, 33),
        ("rgb", 29, 52),
        ("gray8", 3, 9),
    ] {
        let path = dir.path().join(format!("{kind}-{h}x{w}.png"));
        write_png(&path, kind, h, w);
        let whole = load(&path, &LoadOptions::default()).unwrap();
        for config in configs() {
            let pipeline = config.clone().build().unwrap();
            let want = pipeline.run(whole.luma.view(), &Wanted::edges(), &mut Timings::new());
            let want_edges = want.edges.unwrap().into_raw_vec_and_offset().0;
            for chunk in [1, 2, 5, 16, 1000] {
                let (got, threshold) = streamed(&pipeline, &path, chunk);
                assert!(
                    got == want_edges,
                    "{kind} {h}x{w}, chunks of {chunk}, {config:?}: {} pixels differ",
                    got.iter().zip(&want_edges).filter(|(a, b)| a != b).count()
                );
                assert_eq!(threshold.to_bits(), want.threshold.to_bits(), "{config:?}");
            }
        }
    }
}

#[test]
fn hysteresis_is_not_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.png");
    write_png(&path, "gray8", 10, 10);
    let canny = DetectConfig {
        rule: EdgeRule::Canny(None),
        ..DetectConfig::default()
    }
    .build()
    .unwrap();
    let options = LoadOptions::default();
    let open = || Ok(open_rows(&path, &options)?.unwrap());
    let mut wrote = false;
    let e = canny
        .stream_edges(
            &open,
            &mut |_| {
                wrote = true;
                Ok(())
            },
            &mut Timings::new(),
        )
        .unwrap_err();
    assert!(matches!(e, StreamError::NotStreamed));
    assert!(!wrote);
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
