//! Speed of the stages of edge detection that exist on their own (smoothing, derivatives,
//! magnitude), of the pipeline for each edge rule (whose thresholds, non-maximum suppression
//! and hysteresis run inside its bands), at 1920x1080 and 4096x4096, and of the edges as
//! geometry (Canny's edges alone, with their sub-pixel points, and linked into curves) at
//! 4096x4096, on a photo-like 8-bit image (smooth shading, discs of several contrasts, noise).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use edgegrad::detect::derivatives::{Derivatives, Operator};
use edgegrad::detect::edges::magnitude;
use edgegrad::detect::edges::threshold::Threshold;
use edgegrad::detect::geometry::{trace, WANTED};
use edgegrad::detect::smoothing::{smooth, GaussianKernel};
use edgegrad::detect::{DetectConfig, EdgeRule, Wanted};
use edgegrad::image::LumaView;
use edgegrad::timings::Timings;
use ndarray::Array2;
use std::hint::black_box;

#[global_allocator]
static ALLOC: edgegrad::alloc::HugePageAlloc = edgegrad::alloc::HugePageAlloc;

const SIZES: [(usize, usize); 2] = [(1080, 1920), (4096, 4096)];

/// Deterministic photo-like image, as in ../shared/bench/compare.py.
fn photo_like(rows: usize, cols: usize) -> Array2<u8> {
    let mut state = 42u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let discs: Vec<(f64, f64, f64, f64)> = (0..40)
        .map(|_| {
            let (cy, cx) = (next() * rows as f64, next() * cols as f64);
            let r = rows as f64 / 40.0 + next() * rows as f64 * (1.0 / 6.0 - 1.0 / 40.0);
            (cy, cx, r, next() * 0.6 - 0.3)
        })
        .collect();
    Array2::from_shape_fn((rows, cols), |(y, x)| {
        let (yf, xf) = (y as f64, x as f64);
        let mut v = 0.5 + 0.25 * (xf / 37.0).sin() * (yf / 53.0).cos();
        for &(cy, cx, r, a) in &discs {
            if (yf - cy).powi(2) + (xf - cx).powi(2) < r * r {
                v += a;
            }
        }
        v += (next() - 0.5) * 0.1;
        (v.clamp(0.0, 1.0) * 255.0) as u8
    })
}

fn stages(c: &mut Criterion) {
    let mut g = c.benchmark_group("stage");
    g.sample_size(10);
    for (rows, cols) in SIZES {
        let img = photo_like(rows, cols);
        let luma = LumaView::U8(img.view());
        let id = |name: &str| BenchmarkId::new(name, format!("{cols}x{rows}"));
        g.throughput(Throughput::Elements((rows * cols) as u64));
        let kernel = GaussianKernel::new(1.4).unwrap();
        g.bench_function(id("smooth_1.4"), |b| {
            b.iter(|| smooth(black_box(luma), &kernel))
        });
        let central = Derivatives::new(Operator::Central, 1, None).unwrap();
        let sobel = Derivatives::new(Operator::Sobel, 1, None).unwrap();
        g.bench_function(id("derivatives_central"), |b| {
            b.iter(|| central.compute(black_box(luma)))
        });
        g.bench_function(id("derivatives_sobel"), |b| {
            b.iter(|| sobel.compute(black_box(luma)))
        });
        let (dx, dy) = central.compute(luma);
        g.bench_function(id("magnitude"), |b| {
            b.iter(|| magnitude::magnitude(dx.view(), dy.view()))
        });
    }
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    let configs = [
        (
            "value",
            DetectConfig {
                rule: EdgeRule::Threshold(Threshold::Value(0.08)),
                ..Default::default()
            },
        ),
        ("auto", DetectConfig::default()),
        (
            "otsu",
            DetectConfig {
                rule: EdgeRule::Threshold(Threshold::Otsu),
                ..Default::default()
            },
        ),
        (
            "percent",
            DetectConfig {
                rule: EdgeRule::Threshold(Threshold::Percent(10.0)),
                ..Default::default()
            },
        ),
        (
            "sobel_thin",
            DetectConfig {
                operator: Operator::Sobel,
                thin: true,
                ..Default::default()
            },
        ),
        (
            "canny",
            DetectConfig {
                rule: EdgeRule::Canny(None),
                ..Default::default()
            },
        ),
    ];
    for (rows, cols) in SIZES {
        let img = photo_like(rows, cols);
        let luma = LumaView::U8(img.view());
        g.throughput(Throughput::Elements((rows * cols) as u64));
        for (name, config) in &configs {
            let p = config.clone().build().unwrap();
            g.bench_function(
                BenchmarkId::new(format!("fused_{name}"), format!("{cols}x{rows}")),
                |b| b.iter(|| p.run(black_box(luma), &Wanted::edges(), &mut Timings::new())),
            );
        }
        let p = DetectConfig::default().build().unwrap();
        g.bench_function(
            BenchmarkId::new("maps_all", format!("{cols}x{rows}")),
            |b| b.iter(|| p.run(black_box(luma), &Wanted::all(), &mut Timings::new())),
        );
    }
    g.finish();
}

/// Canny's edges alone, with the sub-pixel points fitted in the edge pass, and those points
/// linked into curves (`detect --canny` and `detect --canny --points`); the same for the
/// zero crossings of the Laplacian of Gaussian at a given level. In a loop the large buffers
/// are reused, so this is the computing alone, without the first writes to fresh memory a
/// single `detect` process pays for.
fn geometry(c: &mut Criterion) {
    let mut g = c.benchmark_group("geometry");
    g.sample_size(10);
    let (rows, cols) = (4096, 4096);
    let img = photo_like(rows, cols);
    let luma = LumaView::U8(img.view());
    g.throughput(Throughput::Elements((rows * cols) as u64));
    let id = |name: &str| BenchmarkId::new(name, format!("{cols}x{rows}"));
    let rules = [
        ("canny", EdgeRule::Canny(None), Operator::Central),
        (
            "log",
            EdgeRule::Threshold(Threshold::Value(0.01)),
            Operator::Log,
        ),
    ];
    for (name, rule, operator) in rules {
        let p = DetectConfig {
            rule,
            operator,
            ..Default::default()
        }
        .build()
        .unwrap();
        g.bench_function(id(&format!("{name}_edges")), |b| {
            b.iter(|| p.run(black_box(luma), &Wanted::edges(), &mut Timings::new()))
        });
        g.bench_function(id(&format!("{name}_points")), |b| {
            b.iter(|| p.run(black_box(luma), &WANTED, &mut Timings::new()))
        });
        g.bench_function(id(&format!("{name}_curves")), |b| {
            b.iter(|| trace(&p, black_box(luma), 0.0, &mut Timings::new()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, stages, pipeline, geometry);
criterion_main!(benches);
