//! Derivative operators: `dx = d/dx` (along axis 1) and `dy = d/dy` (along axis 0) of the grid.
//!
//! Every operator estimates the same derivative, in grid units per pixel, so a magnitude
//! threshold means the same whichever is chosen:
//! - [`Operator::Central`] is exactly `np.gradient` of the grid (central differences inside,
//!   one-sided differences of order `edge_order` at the borders), computed by the numeric
//!   core's own kernels.
//! - [`Operator::Sobel`], [`Operator::Scharr`] and [`Operator::Prewitt`] first average across the
//!   derivative's direction with the weights `[1 2 1] / 4`, `[3 10 3] / 16` and `[1 1 1] / 3`
//!   (pixels outside the image replicate the border), then take `np.gradient` along it. Inside
//!   the image that is the textbook 3x3 kernel divided by 8, 32 and 6.
//! - [`Operator::Log`] (Marr–Hildreth) has [`Operator::Central`]'s derivatives; what makes it
//!   another detector is the Laplacian of the smoothed grid (`GradientRows::laplacian`), whose
//!   zero crossings are its edges.
//!
//! An axis of one sample has derivative 0 along it; an axis of two samples uses first-order
//! borders whatever `edge_order` says (numpy refuses both).
//!
//! The work is done row by row by `GradientRows`, which reads its input through a `RowSource`
//! and keeps the few grid rows it needs in row caches, so a band of output rows costs its own
//! rows plus two halo rows on each side (plus the smoothing radius).

use ndarray::Array2;
use thiserror::Error;

use crate::detect::edges::magnitude::magnitude_row;
use crate::detect::simd::widest;
use crate::detect::smoothing::{GaussianKernel, RowWeights, Smoother};
use crate::image::bands::{BandOutput, Bands};
use crate::image::plane::{with_plane, RowSource, Sample};
use crate::image::row_cache::RowCache;
use crate::image::LumaView;
use crate::numeric::gradient::{difference, edge, line, uniform, AxisStencil};

/// A derivative operator; all are scaled to estimate `d/dx` and `d/dy` in grid units per pixel.
///
/// ```
/// use edgegrad::detect::derivatives::Operator;
/// assert_eq!(Operator::default(), Operator::Central);
/// assert_eq!("scharr".parse::<Operator>(), Ok(Operator::Scharr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Operator {
    /// `np.gradient`: `(f[i+1] - f[i-1]) / 2` inside.
    #[default]
    Central,
    /// Sobel: `[1 2 1] / 4` across, central difference along.
    Sobel,
    /// Scharr: `[3 10 3] / 16` across, central difference along.
    Scharr,
    /// Prewitt: `[1 1 1] / 3` across, central difference along.
    Prewitt,
    /// Marr–Hildreth: edges are the zero crossings of the Laplacian of the smoothed grid
    /// (`GradientRows::laplacian`); its derivatives (the gradient whose magnitude the
    /// threshold applies to) are the central differences of the smoothed grid, as
    /// [`Operator::Central`]'s.
    Log,
}

impl Operator {
    /// Every operator, in the order the preview cycles through them.
    pub const ALL: [Operator; 5] = [
        Operator::Central,
        Operator::Sobel,
        Operator::Scharr,
        Operator::Prewitt,
        Operator::Log,
    ];

    /// The operator's name, as `--operator` takes it.
    ///
    /// ```
    /// use edgegrad::detect::derivatives::Operator;
    /// for op in Operator::ALL {
    ///     assert_eq!(op.name().parse::<Operator>(), Ok(op));
    /// }
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Operator::Central => "central",
            Operator::Sobel => "sobel",
            Operator::Scharr => "scharr",
            Operator::Prewitt => "prewitt",
            Operator::Log => "log",
        }
    }

    /// What the operator computes, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Operator::Central => "np.gradient: (f[i+1] - f[i-1]) / 2",
            Operator::Sobel => "Sobel, scaled to estimate the derivative",
            Operator::Scharr => "Scharr, scaled to estimate the derivative",
            Operator::Prewitt => "Prewitt, scaled to estimate the derivative",
            Operator::Log => {
                "Marr-Hildreth: zero crossings of the Laplacian of Gaussian (sigma 2 unless given)"
            }
        }
    }

    /// The side and centre weights of the averaging across the derivative (they sum to 1), or
    /// `None` for the central difference.
    fn across_weights(self) -> Option<(f32, f32)> {
        match self {
            Operator::Central | Operator::Log => None,
            Operator::Sobel => Some((0.25, 0.5)),
            Operator::Scharr => Some((3.0 / 16.0, 10.0 / 16.0)),
            Operator::Prewitt => Some((1.0 / 3.0, 1.0 / 3.0)),
        }
    }
}

/// The name of an unknown operator.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown operator {0:?} (expected central, sobel, scharr, prewitt or log)")]
pub struct UnknownOperator(pub String);

impl std::str::FromStr for Operator {
    type Err = UnknownOperator;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operator::ALL
            .into_iter()
            .find(|op| op.name() == s)
            .ok_or_else(|| UnknownOperator(s.to_string()))
    }
}

/// An edge order other than 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("edge order must be 1 or 2, got {0}")]
pub struct EdgeOrderError(pub usize);

/// An operator with its border order and optional smoothing: everything that turns an image into
/// `dx` and `dy`.
///
/// ```
/// use edgegrad::detect::derivatives::{Derivatives, Operator};
/// let d = Derivatives::new(Operator::Sobel, 2, None).unwrap();
/// assert_eq!(d.operator(), Operator::Sobel);
/// assert!(Derivatives::new(Operator::Central, 3, None).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Derivatives {
    operator: Operator,
    edge_order: usize,
    smoothing: Option<GaussianKernel>,
}

impl Derivatives {
    /// Checks `edge_order` (1 or 2).
    pub fn new(
        operator: Operator,
        edge_order: usize,
        smoothing: Option<GaussianKernel>,
    ) -> Result<Self, EdgeOrderError> {
        if !(1..=2).contains(&edge_order) {
            return Err(EdgeOrderError(edge_order));
        }
        Ok(Derivatives {
            operator,
            edge_order,
            smoothing,
        })
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The order of the one-sided differences at the borders.
    pub fn edge_order(&self) -> usize {
        self.edge_order
    }

    /// The Gaussian smoothing applied first, if any.
    pub fn smoothing(&self) -> Option<&GaussianKernel> {
        self.smoothing.as_ref()
    }

    /// The peak magnitude these derivatives give a sharp step from 0 to 1 (0.5 unsmoothed):
    /// the scale of the automatic thresholds' floor.
    ///
    /// ```
    /// use edgegrad::detect::{derivatives::{Derivatives, Operator}, smoothing::GaussianKernel};
    /// let plain = Derivatives::new(Operator::Sobel, 1, None).unwrap();
    /// assert_eq!(plain.step_response(), 0.5);
    /// let smooth = Derivatives::new(Operator::Central, 1, Some(GaussianKernel::new(1.4).unwrap()));
    /// assert!((smooth.unwrap().step_response() - 0.2531).abs() < 0.003);
    /// ```
    pub fn step_response(&self) -> f32 {
        let r = self.smoothing.as_ref().map_or(0, GaussianKernel::radius);
        let cols = 4 * (r + 4);
        let step =
            Array2::from_shape_fn((3, cols), |(_, x)| if x < cols / 2 { 0.0f32 } else { 1.0 });
        let (dx, dy) = self.compute(LumaView::F32(step.view()));
        dx.iter()
            .zip(&dy)
            .map(|(x, y)| (x * x + y * y).sqrt())
            .fold(0.0, f32::max)
    }

    /// `(dx, dy)` of the whole image, in parallel over bands of rows.
    ///
    /// ```
    /// use edgegrad::{LumaView, detect::derivatives::{Derivatives, Operator}};
    /// let ramp = ndarray::Array2::from_shape_fn((3, 4), |(_, x)| (x * 10) as u8);
    /// let d = Derivatives::new(Operator::Sobel, 1, None).unwrap();
    /// let (dx, dy) = d.compute(LumaView::U8(ramp.view()));
    /// assert!(dx.iter().all(|&v| (v - 10.0 / 255.0).abs() < 1e-6));
    /// assert!(dy.iter().all(|&v| v == 0.0));
    /// ```
    pub fn compute(&self, luma: LumaView<'_>) -> (Array2<f32>, Array2<f32>) {
        let (rows, cols) = luma.dim();
        let mut dx = Array2::<f32>::zeros((rows, cols));
        let mut dy = Array2::<f32>::zeros((rows, cols));
        let dxs = dx.as_slice_mut().expect("fresh arrays are contiguous");
        let dys = dy.as_slice_mut().expect("fresh arrays are contiguous");
        with_plane!(luma, |plane| self.compute_source(plane, dxs, dys));
        (dx, dy)
    }

    /// Writes `dx` and `dy` of `source` (row-major, the source's size), bands in parallel.
    fn compute_source<S: RowSource>(&self, source: S, dx: &mut [f32], dy: &mut [f32]) {
        let kernel = RowKernel::new(self, &source);
        let bands = Bands::new(source.rows(), source.cols());
        bands.for_each(
            (dx, dy),
            || GradientRows::new(&kernel, &source),
            |g, rows, part| {
                widest(
                    #[inline(always)]
                    || {
                        for (y, (dx, dy)) in rows.zip(part.into_rows(bands.cols())) {
                            g.compute(y, dx, dy);
                        }
                    },
                )
            },
        );
    }
}

/// numpy's interior divisor `2h` for unit spacing, in `f32`.
const INTERIOR_DIVISOR: f32 = 2.0;

/// How row `y` of `dy` combines rows of its source (np.gradient along axis 0).
enum Across {
    /// One row only: the derivative is 0.
    Zero,
    /// `(f[y+1] - f[y-1]) / 2`.
    Interior(usize, usize),
    /// The first row, from rows 0, 1 and (second order) 2.
    First([usize; 3]),
    /// The last row, from rows n-3 (second order), n-2 and n-1.
    Last([usize; 3]),
}

fn across(y: usize, n: usize) -> Across {
    if n == 1 {
        Across::Zero
    } else if y == 0 {
        Across::First([0, 1, 2.min(n - 1)])
    } else if y == n - 1 {
        Across::Last([n.saturating_sub(3), n - 2, n - 1])
    } else {
        Across::Interior(y - 1, y + 1)
    }
}

/// The per-image constants of a [`Derivatives`]: stencils for this size, weights for this
/// sample type.
pub(crate) struct RowKernel {
    across_weights: Option<(f32, f32)>,
    along: AxisStencil<f32>,
    down: AxisStencil<f32>,
    smooth: Option<RowWeights>,
}

impl RowKernel {
    /// The constants for `d` applied to `source`.
    pub fn new<S: RowSource>(d: &Derivatives, source: &S) -> Self {
        Self::for_size::<S::Sample>(d, source.rows(), source.cols())
    }

    /// The constants for `d` applied to a `rows x cols` image of samples `T`.
    pub fn for_size<T: Sample>(d: &Derivatives, rows: usize, cols: usize) -> Self {
        let order = |n: usize| if n < 3 { 1 } else { d.edge_order };
        RowKernel {
            across_weights: d.operator.across_weights(),
            along: uniform(1.0f64, order(cols)),
            down: uniform(1.0f64, order(rows)),
            smooth: d.smoothing.as_ref().map(|k| k.row_weights(T::SCALE)),
        }
    }

    /// How many source rows above and below a row computing its `dx` and `dy` reads at most:
    /// the smoothing radius, plus two (the one-sided differences at the top and bottom).
    pub fn reach(&self) -> usize {
        self.smooth.as_ref().map_or(0, RowWeights::radius) + 2
    }
}

/// Rows of grid (and averaged) values a [`GradientRows`] keeps: any five consecutive rows.
const CACHED_ROWS: usize = 5;

/// Computes `dx` and `dy` one row at a time (rows in increasing order are cheapest) from the
/// rows of a source, keeping the grid rows (and their averages across for Sobel-like operators)
/// it needs in row caches.
pub(crate) struct GradientRows<'k, S> {
    kernel: &'k RowKernel,
    source: S,
    grid: RowCache,
    averaged: RowCache,
    smoother: Option<Smoother>,
    column: Vec<f32>,
}

impl<'k, S: RowSource> GradientRows<'k, S> {
    /// Buffers for one band worker.
    pub fn new(kernel: &'k RowKernel, source: S) -> Self {
        let cols = source.cols();
        GradientRows {
            kernel,
            source,
            grid: RowCache::new(CACHED_ROWS, cols),
            averaged: RowCache::new(CACHED_ROWS, cols),
            smoother: kernel
                .smooth
                .as_ref()
                .map(|w| Smoother::new(cols, w.radius())),
            column: vec![0.0; cols],
        }
    }

    /// Makes sure grid row `k` is in its cache.
    #[inline(always)]
    fn grid_row(&mut self, k: usize) {
        if self.grid.has(k) {
            return;
        }
        let out = self.grid.slot(k);
        match (&self.kernel.smooth, &mut self.smoother) {
            (Some(w), Some(smoother)) => smoother.row(&self.source, w, k, out),
            _ => {
                for (o, &v) in out.iter_mut().zip(self.source.row(k)) {
                    *o = v.unit();
                }
            }
        }
    }

    /// Makes sure the horizontal average of grid row `k` is in its cache.
    #[inline(always)]
    fn averaged_row(&mut self, k: usize, (side, centre): (f32, f32)) {
        if self.averaged.has(k) {
            return;
        }
        self.grid_row(k);
        let g = self.grid.row(k);
        let out = self.averaged.slot(k);
        let n = g.len();
        if n == 1 {
            out[0] = side * g[0] + centre * g[0] + side * g[0];
            return;
        }
        out[0] = side * g[0] + centre * g[0] + side * g[1];
        out[n - 1] = side * g[n - 2] + centre * g[n - 1] + side * g[n - 1];
        for (((o, &l), &c), &r) in out[1..n - 1]
            .iter_mut()
            .zip(&g[..n - 2])
            .zip(&g[1..n - 1])
            .zip(&g[2..])
        {
            *o = side * l + centre * c + side * r;
        }
    }

    /// For the central operator away from the top and bottom rows (and rows of 3 or more):
    /// the grid rows around row `y` and the derivative along it at both ends, for the fused
    /// single-pass kernels below. `None` elsewhere.
    #[inline(always)]
    fn central_rows(&mut self, y: usize) -> Option<CentralRows<'_>> {
        let (n, cols) = (self.source.rows(), self.source.cols());
        if self.kernel.across_weights.is_some() || y == 0 || y + 1 >= n || cols < 3 {
            return None;
        }
        for k in [y - 1, y, y + 1] {
            self.grid_row(k);
        }
        let centre = self.grid.row(y);
        // The border columns by the stencil's edge rules, on three-sample windows.
        let mut edge = [0.0f32; 3];
        line(&mut edge, &centre[..3], &self.kernel.along);
        let first_dx = edge[0];
        line(&mut edge, &centre[cols - 3..], &self.kernel.along);
        Some(CentralRows {
            above: self.grid.row(y - 1),
            centre,
            below: self.grid.row(y + 1),
            first_dx,
            last_dx: edge[2],
        })
    }

    /// Writes `out[x] = op(dx[x], dy[x])` for row `y` in one pass over the grid rows, without
    /// storing `dx` and `dy` (bench pipeline/fused_value), where [`GradientRows::central_rows`]
    /// applies; `dx` and `dy` are exactly those of [`GradientRows::compute`]. Returns `false`,
    /// writing nothing, elsewhere.
    #[inline(always)]
    pub fn map_central<O: Copy>(
        &mut self,
        y: usize,
        out: &mut [O],
        op: impl Fn(f32, f32) -> O,
    ) -> bool {
        let Some(g) = self.central_rows(y) else {
            return false;
        };
        let cols = g.centre.len();
        out[0] = op(g.first_dx, g.dy(0));
        out[cols - 1] = op(g.last_dx, g.dy(cols - 1));
        let k = cols - 2;
        let (o, right, left) = (&mut out[1..cols - 1], &g.centre[2..], &g.centre[..k]);
        let (below, above) = (&g.below[1..k + 1], &g.above[1..k + 1]);
        for ((((o, &r), &l), &b), &a) in o.iter_mut().zip(right).zip(left).zip(below).zip(above) {
            *o = op((r - l) / INTERIOR_DIVISOR, (b - a) / INTERIOR_DIVISOR);
        }
        true
    }

    /// Like [`GradientRows::compute`] followed by the magnitude, in one pass where
    /// [`GradientRows::central_rows`] applies (bench pipeline/fused_canny).
    #[inline(always)]
    pub fn compute_with_magnitude(
        &mut self,
        y: usize,
        dx: &mut [f32],
        dy: &mut [f32],
        m: &mut [f32],
    ) {
        let Some(g) = self.central_rows(y) else {
            self.compute(y, dx, dy);
            magnitude_row(m, dx, dy);
            return;
        };
        let cols = g.centre.len();
        for x in [0, cols - 1] {
            dx[x] = if x == 0 { g.first_dx } else { g.last_dx };
            dy[x] = g.dy(x);
            m[x] = (dx[x] * dx[x] + dy[x] * dy[x]).sqrt();
        }
        let k = cols - 2;
        let (right, left) = (&g.centre[2..], &g.centre[..k]);
        let (below, above) = (&g.below[1..k + 1], &g.above[1..k + 1]);
        let outs = dx[1..k + 1]
            .iter_mut()
            .zip(&mut dy[1..k + 1])
            .zip(&mut m[1..k + 1]);
        for ((((gx, gy), m), (&r, &l)), (&b, &a)) in outs
            .zip(right.iter().zip(left))
            .zip(below.iter().zip(above))
        {
            *gx = (r - l) / INTERIOR_DIVISOR;
            *gy = (b - a) / INTERIOR_DIVISOR;
            *m = (*gx * *gx + *gy * *gy).sqrt();
        }
    }

    /// Writes row `y` of the Laplacian of the grid (of the smoothed image when smoothing):
    /// the five-point `f[y][x-1] + f[y][x+1] + f[y-1][x] + f[y+1][x] - 4 f[y][x]`, the grid
    /// continuing as at its border outside the image (replicate), so that a constant grid has
    /// Laplacian 0 everywhere, borders included.
    #[inline(always)]
    pub fn laplacian(&mut self, y: usize, out: &mut [f32]) {
        let n = self.source.rows();
        let (up, down) = (y.saturating_sub(1), (y + 1).min(n - 1));
        for k in [up, y, down] {
            self.grid_row(k);
        }
        let (u, c, d) = (self.grid.row(up), self.grid.row(y), self.grid.row(down));
        let cols = c.len();
        let at = |x: usize| {
            let (l, r) = (c[x.saturating_sub(1)], c[(x + 1).min(cols - 1)]);
            five_point(l, r, u[x], d[x], c[x])
        };
        if cols < 3 {
            for (x, o) in out.iter_mut().enumerate() {
                *o = at(x);
            }
            return;
        }
        out[0] = at(0);
        out[cols - 1] = at(cols - 1);
        let k = cols - 2;
        let (o, centre) = (&mut out[1..cols - 1], &c[1..cols - 1]);
        let (left, right, up, down) = (&c[..k], &c[2..], &u[1..cols - 1], &d[1..cols - 1]);
        for (((((o, &l), &r), &u), &d), &c) in o
            .iter_mut()
            .zip(left)
            .zip(right)
            .zip(up)
            .zip(down)
            .zip(centre)
        {
            *o = five_point(l, r, u, d, c);
        }
    }

    /// Writes row `y` of `dx` and `dy`.
    #[inline(always)]
    pub fn compute(&mut self, y: usize, dx: &mut [f32], dy: &mut [f32]) {
        let n = self.source.rows();
        let rule = across(y, n);
        let (sources, count) = match rule {
            Across::Zero => ([0; 3], 0),
            Across::Interior(a, b) => ([a, b, b], 2),
            Across::First(r) | Across::Last(r) => (r, 3),
        };
        let sources = &sources[..count];
        // dx: np.gradient along the row, of the grid row or of its vertical average.
        match self.kernel.across_weights {
            None => {
                self.grid_row(y);
                along(dx, self.grid.row(y), &self.kernel.along);
            }
            Some((side, centre)) => {
                let (up, down) = (y.saturating_sub(1), (y + 1).min(n - 1));
                for k in [up, y, down] {
                    self.grid_row(k);
                }
                let (u, c, d) = (self.grid.row(up), self.grid.row(y), self.grid.row(down));
                for (((o, &u), &c), &d) in self.column.iter_mut().zip(u).zip(c).zip(d) {
                    *o = side * u + centre * c + side * d;
                }
                along(dx, &self.column, &self.kernel.along);
            }
        }
        // dy: np.gradient down the rows, of grid rows or of their horizontal averages.
        let cache = match self.kernel.across_weights {
            None => {
                for &k in sources {
                    self.grid_row(k);
                }
                &self.grid
            }
            Some(w) => {
                for &k in sources {
                    self.averaged_row(k, w);
                }
                &self.averaged
            }
        };
        let s = &self.kernel.down;
        match rule {
            Across::Zero => dy.fill(0.0),
            Across::Interior(a, b) => difference(dy, cache.row(b), cache.row(a), INTERIOR_DIVISOR),
            Across::First([a, b, c]) => edge(
                dy,
                [cache.row(a), cache.row(b), cache.row(c)],
                &s.first,
                true,
            ),
            Across::Last([a, b, c]) => edge(
                dy,
                [cache.row(a), cache.row(b), cache.row(c)],
                &s.last,
                false,
            ),
        }
    }
}

/// The five-point Laplacian of a sample `c` with its neighbours left, right, up and down, summed
/// in one fixed order (every path gives the same bits).
#[inline(always)]
fn five_point(l: f32, r: f32, u: f32, d: f32, c: f32) -> f32 {
    ((l + r) + (u + d)) - 4.0 * c
}

/// Grid rows `y - 1`, `y`, `y + 1` and the derivative along row `y` at its two ends.
struct CentralRows<'a> {
    above: &'a [f32],
    centre: &'a [f32],
    below: &'a [f32],
    first_dx: f32,
    last_dx: f32,
}

impl CentralRows<'_> {
    /// `dy` at column `x`.
    #[inline(always)]
    fn dy(&self, x: usize) -> f32 {
        (self.below[x] - self.above[x]) / INTERIOR_DIVISOR
    }
}

/// np.gradient of one row (0 for a single sample).
#[inline(always)]
fn along(out: &mut [f32], f: &[f32], s: &AxisStencil<f32>) {
    if f.len() == 1 {
        out[0] = 0.0;
    } else {
        line(out, f, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::gradient::{gradient, GradientOptions};
    use ndarray::{array, Array2};

    fn derivatives(op: Operator, order: usize, img: &Array2<f32>) -> (Array2<f32>, Array2<f32>) {
        Derivatives::new(op, order, None)
            .unwrap()
            .compute(LumaView::F32(img.view()))
    }

    const ALL: [Operator; 4] = [
        Operator::Central,
        Operator::Sobel,
        Operator::Scharr,
        Operator::Prewitt,
    ];

    #[test]
    fn the_interior_divisor_is_the_stencils() {
        let s: AxisStencil<f32> = uniform(1.0f64, 2);
        assert_eq!(
            s.interior,
            crate::numeric::gradient::Interior::Difference(INTERIOR_DIVISOR)
        );
    }

    #[test]
    fn every_operator_measures_a_ramp_exactly() {
        // f = 0.1 x + 0.05 y: every operator must find dx = 0.1, dy = 0.05 everywhere (exactly
        // representable differences aside, to f32 rounding).
        let img = Array2::from_shape_fn((5, 6), |(y, x)| 0.1 * x as f32 + 0.05 * y as f32);
        for op in ALL {
            for order in [1, 2] {
                let (dx, dy) = derivatives(op, order, &img);
                for (&a, &b) in dx.iter().zip(&dy) {
                    assert!((a - 0.1).abs() < 1e-6, "{op:?} {order}: dx {a}");
                    assert!((b - 0.05).abs() < 1e-6, "{op:?} {order}: dy {b}");
                }
            }
        }
    }

    #[test]
    fn a_one_pixel_step_gives_half_with_central_differences() {
        let img = array![
            [0.0f32, 0.0, 1.0, 1.0],
            [0.0, 0.0, 1.0, 1.0],
            [0.0, 0.0, 1.0, 1.0]
        ];
        let (dx, dy) = derivatives(Operator::Central, 1, &img);
        assert_eq!(dx.row(1).to_vec(), vec![0.0, 0.5, 0.5, 0.0]);
        assert!(dy.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn sobel_is_the_textbook_kernel_over_eight() {
        // Inside, Sobel dx = sum of [-1 0 1; -2 0 2; -1 0 1] * f / 8.
        let img = Array2::from_shape_fn((5, 5), |(y, x)| ((x * 7 + y * 3) % 5) as f32);
        let (dx, dy) = derivatives(Operator::Sobel, 1, &img);
        let (sx, sy) = derivatives(Operator::Scharr, 1, &img);
        let (px, _) = derivatives(Operator::Prewitt, 1, &img);
        let f = |y: usize, x: usize| img[[y, x]];
        for y in 1..4 {
            for x in 1..4 {
                let gx = |w: [f32; 3]| {
                    w[0] * (f(y - 1, x + 1) - f(y - 1, x - 1))
                        + w[1] * (f(y, x + 1) - f(y, x - 1))
                        + w[2] * (f(y + 1, x + 1) - f(y + 1, x - 1))
                };
                let gy = |w: [f32; 3]| {
                    w[0] * (f(y + 1, x - 1) - f(y - 1, x - 1))
                        + w[1] * (f(y + 1, x) - f(y - 1, x))
                        + w[2] * (f(y + 1, x + 1) - f(y - 1, x + 1))
                };
                assert!((dx[[y, x]] - gx([1.0, 2.0, 1.0]) / 8.0).abs() < 1e-5);
                assert!((dy[[y, x]] - gy([1.0, 2.0, 1.0]) / 8.0).abs() < 1e-5);
                assert!((sx[[y, x]] - gx([3.0, 10.0, 3.0]) / 32.0).abs() < 1e-5);
                assert!((sy[[y, x]] - gy([3.0, 10.0, 3.0]) / 32.0).abs() < 1e-5);
                assert!((px[[y, x]] - gx([1.0, 1.0, 1.0]) / 6.0).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn central_is_np_gradient_bit_for_bit() {
        for &(rows, cols) in &[(3, 3), (7, 5), (4, 130), (200, 3), (3, 2), (2, 9)] {
            let img = Array2::from_shape_fn((rows, cols), |(y, x)| {
                ((x * 131 + y * 71 + x * y * 7) % 256) as u8
            });
            let grid = img.mapv(|v| v as f32 / 255.0);
            for order in [1, 2] {
                let d = Derivatives::new(Operator::Central, order, None).unwrap();
                let (dx, dy) = d.compute(LumaView::U8(img.view()));
                if rows < order + 1 || cols < order + 1 {
                    continue;
                }
                let want = gradient(&grid, &GradientOptions::new().edge_order(order)).unwrap();
                let bits = |a: &Array2<f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&dx), bits(&want[1]), "{rows}x{cols} order {order} dx");
                assert_eq!(bits(&dy), bits(&want[0]), "{rows}x{cols} order {order} dy");
            }
        }
    }

    #[test]
    fn second_order_borders_are_exact_on_a_parabola() {
        // f = x^2: second-order one-sided differences are exact at the borders.
        let img = Array2::from_shape_fn((3, 5), |(_, x)| (x * x) as f32);
        let (dx, _) = derivatives(Operator::Central, 2, &img);
        assert_eq!(dx.row(0).to_vec(), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        let (dx1, _) = derivatives(Operator::Central, 1, &img);
        assert_eq!(dx1.row(0).to_vec(), vec![1.0, 2.0, 4.0, 6.0, 7.0]);
    }

    #[test]
    fn tiny_images_have_zero_derivative_along_single_samples() {
        let img = array![[0.0f32, 0.5, 1.0]];
        for op in ALL {
            let (dx, dy) = derivatives(op, 2, &img);
            assert_eq!(dx.row(0).to_vec(), vec![0.5, 0.5, 0.5], "{op:?}");
            assert_eq!(dy.row(0).to_vec(), vec![0.0; 3], "{op:?}");
        }
        let (dx, dy) = derivatives(Operator::Central, 2, &array![[0.25f32]]);
        assert_eq!((dx[[0, 0]], dy[[0, 0]]), (0.0, 0.0));
    }

    #[test]
    fn sixteen_bit_values_scale_by_65535() {
        let img = array![[0u16, 65535, 0]];
        let d = Derivatives::new(Operator::Central, 1, None).unwrap();
        let (dx, _) = d.compute(LumaView::U16(img.view()));
        assert_eq!(dx.row(0).to_vec(), vec![1.0, 0.0, -1.0]);
    }
}
