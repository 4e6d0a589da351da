//! Speed of the numeric core: `gradient` on 4096x4096 arrays (both axes, f32 and f64, edge
//! orders 1 and 2, coordinates), one axis at a time, `diff`, the stencils beyond numpy
//! (`gradient` at accuracy 2 to 8 and with a padding mode, `laplacian`, `hessian`), and the
//! cost of fresh memory with and without the huge-page allocator.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use edgegrad::numeric::derivative::{hessian, laplacian, Boundary, StencilOptions};
use edgegrad::numeric::diff::{diff, DiffOptions};
use edgegrad::numeric::gradient::{gradient, GradientOptions, Spacing};
use ndarray::{Array1, Array2};
use std::alloc::{GlobalAlloc, Layout, System};

#[global_allocator]
static ALLOC: edgegrad::alloc::HugePageAlloc = edgegrad::alloc::HugePageAlloc;

const N: usize = 4096;

fn image_like<T: edgegrad::Float>() -> Array2<T> {
    Array2::from_shape_fn((N, N), |(y, x)| {
        T::from_f64(((x * 7 + y * 13) % 255) as f64 / 255.0)
    })
}

fn gradients(c: &mut Criterion) {
    let mut g = c.benchmark_group("gradient_4096");
    g.sample_size(20);
    g.throughput(Throughput::Bytes((N * N * 4 * 3) as u64));
    let f32s = image_like::<f32>();
    let f64s = image_like::<f64>();
    for order in [1, 2] {
        let o = GradientOptions::new().edge_order(order);
        g.bench_with_input(BenchmarkId::new("f32_both_axes", order), &o, |b, o| {
            b.iter(|| gradient(&f32s, o))
        });
        g.bench_with_input(BenchmarkId::new("f64_both_axes", order), &o, |b, o| {
            b.iter(|| gradient(&f64s, o))
        });
    }
    for axis in [0, 1] {
        let o = GradientOptions::new().axes(vec![axis]);
        g.bench_with_input(BenchmarkId::new("f32_axis", axis), &o, |b, o| {
            b.iter(|| gradient(&f32s, o))
        });
    }
    let x = Array1::from_shape_fn(N, |i| (i as f64).powf(1.1));
    let o = GradientOptions::new().spacing(vec![Spacing::Scalar(0.5), Spacing::Coordinates(x)]);
    g.bench_function("f32_coordinates", |b| b.iter(|| gradient(&f32s, &o)));
    g.finish();
}

fn diffs(c: &mut Criterion) {
    let mut g = c.benchmark_group("diff_4096");
    g.sample_size(20);
    let f32s = image_like::<f32>();
    for axis in [0, -1] {
        let o = DiffOptions {
            axis,
            ..Default::default()
        };
        g.bench_with_input(BenchmarkId::new("f32_axis", axis), &o, |b, o| {
            b.iter(|| diff(&f32s, o))
        });
    }
    g.finish();
}

/// The stencils beyond numpy on 4096x4096 float32: `gradient` of both axes at each accuracy
/// (accuracy 2 is numpy's path; the bound: accuracy 4 within 1.5x of it) and with
/// `wrap`, the laplacian (numpy's boundary and `reflect`, scipy.ndimage.laplace's default) and
/// the hessian.
fn stencils(c: &mut Criterion) {
    let mut g = c.benchmark_group("stencils_4096");
    g.sample_size(20);
    let f32s = image_like::<f32>();
    for accuracy in [2, 4, 6, 8] {
        let o = GradientOptions::new().accuracy(accuracy);
        g.bench_with_input(
            BenchmarkId::new("gradient_f32_accuracy", accuracy),
            &o,
            |b, o| b.iter(|| gradient(&f32s, o)),
        );
    }
    let o = GradientOptions::new().boundary(Boundary::Wrap);
    g.bench_function("gradient_f32_wrap", |b| b.iter(|| gradient(&f32s, &o)));
    for (name, boundary) in [("numpy", Boundary::Numpy), ("reflect", Boundary::Reflect)] {
        let o = StencilOptions::new().boundary(boundary);
        g.bench_with_input(BenchmarkId::new("laplacian_f32", name), &o, |b, o| {
            b.iter(|| laplacian(&f32s, o))
        });
    }
    let o = StencilOptions::new().accuracy(4);
    g.bench_function("laplacian_f32_accuracy_4", |b| {
        b.iter(|| laplacian(&f32s, &o))
    });
    let o = StencilOptions::new();
    g.bench_function("hessian_f32", |b| b.iter(|| hessian(&f32s, &o)));
    g.finish();
}

/// Allocating, filling and freeing a 64 MiB buffer over and over: the system allocator (a fresh
/// mapping each time, faulted in 4 KiB page by page) against the huge-page allocator (after the
/// first time, the block it keeps for reuse). This is the measurement behind `edgegrad::alloc`.
fn fresh_buffer(c: &mut Criterion) {
    let mut g = c.benchmark_group("fresh_buffer_64MiB");
    g.sample_size(20);
    let layout = Layout::from_size_align(64 << 20, 64).expect("valid layout");
    let fill = |p: *mut u8| {
        // SAFETY: `p` is a live allocation of `layout.size()` bytes.
        let buf = unsafe { std::slice::from_raw_parts_mut(p, layout.size()) };
        buf.fill(1);
    };
    g.bench_function("system", |b| {
        b.iter(|| unsafe {
            let p = System.alloc(layout);
            fill(std::hint::black_box(p));
            System.dealloc(std::hint::black_box(p), layout);
        })
    });
    g.bench_function("huge_pages", |b| {
        b.iter(|| unsafe {
            let p = ALLOC.alloc(layout);
            fill(std::hint::black_box(p));
            ALLOC.dealloc(std::hint::black_box(p), layout);
        })
    });
    g.finish();
}

criterion_group!(benches, gradients, diffs, stencils, fresh_buffer);
criterion_main!(benches);
