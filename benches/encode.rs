//! PNG encoding of edge masks: which compression and row filter to use
//! (`edgegrad::image::encode::encode_png`'s settings), at 1920x1080 and 4096x4096.
//!
//! The mask is a real one: |np.gradient| of assets/camera.png, tiled to the size, above 0.05.
//! The compressed size of each variant is printed once before its timings.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use edgegrad::image::load;
use edgegrad::numeric::gradient::{gradient, GradientOptions};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use ndarray::Array2;

fn mask(rows: usize, cols: usize) -> Array2<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/camera.png");
    let grid = load(&path, &Default::default()).unwrap().luma.to_grid();
    let d = gradient(&grid.into_dyn(), &GradientOptions::default()).unwrap();
    let (h, w) = (d[0].shape()[0], d[0].shape()[1]);
    Array2::from_shape_fn((rows, cols), |(y, x)| {
        let (dy, dx) = (d[0][[y % h, x % w]], d[1][[y % h, x % w]]);
        if dx.hypot(dy) > 0.05 {
            255
        } else {
            0
        }
    })
}

fn encode(mask: &[u8], w: u32, h: u32, c: CompressionType, f: FilterType) -> Vec<u8> {
    let mut out = Vec::with_capacity(mask.len() / 4);
    PngEncoder::new_with_quality(&mut out, c, f)
        .write_image(mask, w, h, ExtendedColorType::L8)
        .unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let variants = [
        ("fast-adaptive", CompressionType::Fast, FilterType::Adaptive),
        ("fast-sub", CompressionType::Fast, FilterType::Sub),
        ("fast-up", CompressionType::Fast, FilterType::Up),
        ("fast-paeth", CompressionType::Fast, FilterType::Paeth),
        ("fast-none", CompressionType::Fast, FilterType::NoFilter),
        (
            "default-adaptive",
            CompressionType::Default,
            FilterType::Adaptive,
        ),
    ];
    for (rows, cols) in [(1080, 1920), (4096, 4096)] {
        let m = mask(rows, cols);
        let raw = m.as_slice().unwrap();
        let mut group = c.benchmark_group(format!("png_edges_{cols}x{rows}"));
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.sample_size(10);
        for (name, comp, filter) in variants {
            let size = encode(raw, cols as u32, rows as u32, comp, filter).len();
            eprintln!("{cols}x{rows} {name}: {size} bytes");
            group.bench_function(name, |b| {
                b.iter(|| encode(black_box(raw), cols as u32, rows as u32, comp, filter))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
