//! The image side's stages at 1920x1080 and 4096x4096: colour to luma (`grid::luma_of`) and
//! the pictures of `render` (magnitude, direction, signed, overlay).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use edgegrad::image::luma_of;
use edgegrad::image::render::{self, Depth};
use image::{DynamicImage, Rgb, RgbImage};
use ndarray::Array2;

fn bench(c: &mut Criterion) {
    for (rows, cols) in [(1080usize, 1920usize), (4096, 4096)] {
        let photo = RgbImage::from_fn(cols as u32, rows as u32, |x, y| {
            Rgb([(x * 7 + y) as u8, (x ^ y) as u8, (x * y / 64) as u8])
        });
        let field = |k: f32| {
            Array2::from_shape_fn((rows, cols), |(y, x)| {
                (x as f32 * k).sin() + y as f32 * 1e-4
            })
        };
        let (dx, dy) = (field(0.05), field(0.031));
        let mag = ndarray::Zip::from(&dx)
            .and(&dy)
            .map_collect(|a, b| a.hypot(*b));
        let dir = ndarray::Zip::from(&dy)
            .and(&dx)
            .map_collect(|a, b| a.atan2(*b));
        let mask = mag.mapv(|m| if m > 0.5 { 255u8 } else { 0 });

        let mut g = c.benchmark_group(format!("image_side_{cols}x{rows}"));
        g.throughput(Throughput::Elements((rows * cols) as u64));
        g.sample_size(10);
        g.bench_function("luma_rgb8", |b| {
            b.iter_batched(
                || DynamicImage::ImageRgb8(photo.clone()),
                |img| black_box(luma_of(img)),
                criterion::BatchSize::LargeInput,
            )
        });
        g.bench_function("render_magnitude8", |b| {
            b.iter(|| render::magnitude(black_box(mag.view()), Depth::Eight))
        });
        g.bench_function("render_direction", |b| {
            b.iter(|| render::direction(black_box(dir.view()), mag.view()))
        });
        g.bench_function("render_signed", |b| {
            b.iter(|| render::signed(black_box(dx.view())))
        });
        g.bench_function("render_overlay", |b| {
            b.iter(|| render::overlay(black_box(&photo), mask.view()))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
